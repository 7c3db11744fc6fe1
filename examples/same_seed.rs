//! Trains a fixed set of small runs and prints each model's bytes (hex) and predictions as JSON.
//! tests/determinism runs the same runs through the wasm package and compares: same seed, same
//! result, natively and in wasm.
use s3nn::{data, io, Model, NetworkSpec, NeuronModel, OptimizerSpec, Trainer};

fn main() -> s3nn::Result<()> {
    let mut out = Vec::new();
    for neuron in ["s3nn", "lif", "bnn", "relu"] {
        let d = data::toy(data::ToyKind::Spiral, 400, 0.1, 11)?;
        let spec = NetworkSpec::parse("2-16-16-2", NeuronModel::from_name(neuron, None, None, None, None, None)?)?;
        let mut t = Trainer::new(Model::new(spec, 11)?, OptimizerSpec::from_name("adam", 0.01)?, 11)?;
        t.train_steps(&d, 50, 32)?;
        let preds = t.net.predict(&d.x, d.len())?;
        let hex: String = io::save(&t.net)?.iter().map(|b| format!("{b:02x}")).collect();
        out.push(serde_json::json!({ "neuron": neuron, "model": hex, "predictions": preds }));
    }
    println!("{}", serde_json::Value::Array(out));
    Ok(())
}
