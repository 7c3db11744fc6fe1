use s3nn::*;
fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map(String::as_str).unwrap_or("spiral");
    let neuron = NeuronModel::from_name(args.get(2).map(String::as_str).unwrap_or("s3nn"), None, None, None, None, None)?;
    let (train, test, arch) = if which == "mnist" {
        let (a, b) = data::load_mnist()?; (a, b, "784-400-400-10")
    } else {
        let d = data::toy(which.parse()?, 2000, 0.1, 1)?; let (a, b) = d.split(0.8, 1)?; (a, b, "2-32-32-2")
    };
    let mut spec = NetworkSpec::parse(arch, neuron)?;
    spec.classes = spec.classes.max(train.classes);
    let net = Network::new(spec, 1)?;
    let mut tr = Trainer::new(net, OptimizerSpec::from_name("adam", if which == "mnist" { 1e-3 } else { 1e-2 })?, 1)?;
    let epochs = if which == "mnist" { 1 } else { 30 };
    for e in 0..epochs {
        let t0 = std::time::Instant::now();
        let s = tr.train_epoch(&train, if which == "mnist" { 100 } else { 32 }, |_, _| {})?;
        let dt = t0.elapsed().as_secs_f64();
        let ev = evaluate(&mut tr.net, &test, 1000, None, &EnergyModel::default())?;
        println!("epoch {e}: loss {:.4} train {:.4} test {:.4} {:.0} samples/s fr {:?} ratio {:.3}", s.loss, s.accuracy, ev.accuracy, s.samples as f64 / dt, s.firing_rates, ev.ops.ratio_to_ann);
    }
    Ok(())
}
