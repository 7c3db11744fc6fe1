//! `s3nn train`: train a network, evaluating on the test set after every epoch.

use std::path::Path;
use std::time::Instant;

use s3nn::catalog;
use s3nn::{evaluate, Model, RunConfig, Trainer};

use crate::args::{expand_arch, TrainArgs, CLI_EVAL_BATCH, DEFAULT_TRAIN_DATA};
use crate::inputs::{data_name, energy_from, load_data, neuron_config, objective_config, random_subset, read_model, with_arch};
use crate::report::{self, EpochReport, NetFacts, TrainHeader, TrainSummary};
use crate::save::OutFile;
use crate::CliResult;

pub fn run(a: TrainArgs) -> CliResult<()> {
    let json = a.common.json;
    let data_name = data_name(&a.data, DEFAULT_TRAIN_DATA);
    let preset = catalog::dataset(&data_name)?;
    let energy = energy_from(&a.energy)?;
    let epochs = a.epochs.unwrap_or(preset.epochs);
    if epochs == 0 {
        return Err("--epochs must be at least 1".into());
    }
    let batch = a.batch.unwrap_or(preset.batch);
    s3nn::train::check_batch(batch)?;
    let lr = a.lr.unwrap_or(preset.lr);
    // Validate the neuron, the optimizer (and an explicit architecture) before spending time on data.
    let config = RunConfig {
        optimizer: Some(a.optimizer.clone()),
        lr: Some(lr),
        seed: Some(a.seed),
        ..objective_config(&a.objective, epochs, neuron_config(&a.neuron)?)?
    };
    config.optimizer()?;
    let (schedule, penalty) = (config.schedule()?, config.rate_penalty()?);
    // The network to continue from, read before any data: its spec is the architecture.
    let init = a.init.as_deref().map(|p| init_model(p, &a)).transpose()?;
    if let (Some(arch), None) = (&a.arch, &init) {
        with_arch(&config, arch).build()?;
    }
    let neuron = match &init {
        Some(net) => net.neuron(),
        None => config.neuron()?,
    };
    // Before any data is loaded or an epoch runs: a save that is going to fail must fail now.
    let out = a.out.as_deref().map(|p| OutFile::check(p, a.force)).transpose()?;

    let t_load = Instant::now();
    let (mut train_set, mut test_set) = load_data(&a.data, preset, a.seed)?;
    if let Some(n) = a.limit_train {
        train_set = random_subset(&train_set, n, a.seed, "--limit-train")?;
    }
    if let Some(n) = a.limit_test {
        test_set = random_subset(&test_set, n, a.seed.wrapping_add(1), "--limit-test")?;
    }
    let load_s = t_load.elapsed().as_secs_f64();

    // Default: the preset's hidden layers between the data's inputs and classes.
    let arch = match &a.arch {
        Some(s) => s.clone(),
        None => format!("{}-{}-{}", train_set.features(), preset.hidden, train_set.classes),
    };
    let (opt, seed) = (config.optimizer()?, a.seed);
    let net = match init {
        Some(net) => net,
        None => Model::new(with_arch(&config, &arch).build()?.0, seed)?,
    };
    s3nn::train::check_fit(&net, &train_set)?;
    let params = net.parameter_count();
    let mut trainer = Trainer::new(net, opt, seed)?;
    trainer.set_schedule(schedule)?;
    trainer.set_rate_penalty(penalty)?;

    let optimizer = a.optimizer.to_ascii_lowercase();
    let header = TrainHeader {
        data: &data_name,
        train_samples: train_set.len(),
        test_samples: test_set.len(),
        classes: train_set.classes,
        load_s,
        net: NetFacts { arch: trainer.net.spec.arch_string(), params, neuron },
        batch_norm: trainer.net.spec.batch_norm,
        optimizer: &optimizer,
        lr,
        schedule: &schedule,
        penalty: &penalty,
        batch,
        epochs,
        seed,
    };
    report::train_header(json, &header);

    let mut total_train_s = 0.0f64;
    let mut total_samples = 0usize;
    let mut last_eval = None;
    for epoch in 1..=epochs {
        let pb = report::progress_bar(train_set.len() as u64, json, format!("epoch {epoch}/{epochs}"));
        let t0 = Instant::now();
        let mut last_draw = Instant::now();
        let stats = trainer.train_epoch(&train_set, batch, |seen, loss| {
            // Cheap: indicatif rate-limits drawing; the message is only rebuilt every 100 ms.
            pb.set_position(seen as u64);
            if last_draw.elapsed().as_millis() >= 100 {
                let rate = seen as f64 / t0.elapsed().as_secs_f64().max(1e-9);
                pb.set_message(format!("{rate:.0} samples/s, loss {loss:.4}"));
                last_draw = Instant::now();
            }
        })?;
        let train_s = t0.elapsed().as_secs_f64();
        pb.finish_and_clear();
        total_train_s += train_s;
        total_samples += stats.samples;

        let t1 = Instant::now();
        let ev = evaluate(&mut trainer.net, &test_set, CLI_EVAL_BATCH, None, &energy)?;
        let eval_s = t1.elapsed().as_secs_f64();
        report::epoch(json, &EpochReport { epoch, stats: &stats, eval: &ev, train_s, eval_s, neuron: &neuron });
        last_eval = Some(ev);
    }
    let ev = last_eval.ok_or("no epoch ran")?;

    let saved = if let Some(out) = &out {
        out.write(&s3nn::io::save(&trainer.net)?)?;
        Some(out.display())
    } else {
        None
    };

    let summary = TrainSummary {
        header,
        opt: &opt,
        eval: &ev,
        train_s: total_train_s,
        samples_per_sec: total_samples as f64 / total_train_s.max(1e-9),
        saved,
    };
    report::train_summary(json, &summary)
}

/// The model `--init` names. Its file fixes the architecture, the neuron and batch norm, so a
/// flag that would set one of them differently is an error rather than silently ignored.
fn init_model(path: &Path, a: &TrainArgs) -> CliResult<Model> {
    let net = read_model(path)?;
    let shown = path.display();
    if let Some(arch) = &a.arch {
        let given = s3nn::NetworkSpec::parse(&expand_arch(arch), net.neuron()).map(|s| s.arch_string());
        let file = net.spec.arch_string();
        if given.as_deref().ok() != Some(file.as_str()) {
            return Err(format!("--arch {arch} conflicts with --init {shown}, whose architecture is {file} (leave --arch out: it comes from the file)").into());
        }
    }
    let n = &a.neuron;
    let neuron_flags = [
        ("--steps", n.steps.is_some()),
        ("--alpha", n.alpha.is_some()),
        ("--beta", n.beta.is_some()),
        ("--threshold", n.threshold.is_some()),
        ("--leak", n.leak.is_some()),
        ("--batch-norm", n.batch_norm),
    ];
    if let Some((flag, _)) = neuron_flags.iter().find(|(_, given)| *given) {
        return Err(format!("{flag} conflicts with --init {shown}: the neuron and batch norm come from the file").into());
    }
    Ok(net)
}
