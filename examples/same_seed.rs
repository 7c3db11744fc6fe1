//! Trains a fixed set of small runs and prints each model's bytes (hex) and predictions as JSON.
//! tests/determinism runs the same runs through the wasm package and compares: same seed, same
//! result, natively and in wasm. The last run is wide enough (400 units at batch 100) for the
//! products and Adam to be split over threads, so thread counts are compared on real splits.
use s3nn::{data, io, Model, NetworkSpec, NeuronModel, OptimizerSpec, Trainer};

fn main() -> s3nn::Result<()> {
    let mut out = Vec::new();
    let runs = [("s3nn", "2-16-16-2", 50, 32), ("lif", "2-16-16-2", 50, 32), ("bnn", "2-16-16-2", 50, 32), ("relu", "2-16-16-2", 50, 32), ("s3nn", "2-400-400-2", 12, 100)];
    for (neuron, arch, steps, batch) in runs {
        let d = data::toy(data::ToyKind::Spiral, 400, 0.1, 11)?;
        let spec = NetworkSpec::parse(arch, NeuronModel::from_name(neuron, None, None, None, None, None)?)?;
        let mut t = Trainer::new(Model::new(spec, 11)?, OptimizerSpec::from_name("adam", 0.01)?, 11)?;
        t.train_steps(&d, steps, batch)?;
        let preds = t.net.predict(&d.x, d.len())?;
        let hex: String = io::save(&t.net)?.iter().map(|b| format!("{b:02x}")).collect();
        out.push(serde_json::json!({ "neuron": neuron, "arch": arch, "steps": steps, "batch": batch, "model": hex, "predictions": preds }));
    }
    println!("{}", serde_json::Value::Array(out));
    Ok(())
}
