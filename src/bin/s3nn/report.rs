//! What the commands print: human-readable lines and tables, or with `--json` exactly one JSON
//! object per line. The JSON keys are read by scripts (scripts/results.py, scripts/seeds.py) and
//! tests; keep them stable.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use s3nn::neuron::Signal;
use s3nn::ops::LayerOps;
use s3nn::{EvalReport, LrSchedule, Model, NeuronModel, OpReport, OptimizerSpec, RatePenalty, TrainStats};

use crate::CliResult;

/// Writes one line to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
pub fn out(line: impl AsRef<str>) {
    let mut so = std::io::stdout().lock();
    if writeln!(so, "{}", line.as_ref()).and_then(|_| so.flush()).is_err() {
        std::process::exit(0);
    }
}

fn out_json(v: &Value) {
    out(v.to_string());
}

fn to_value<T: serde::Serialize>(v: &T) -> CliResult<Value> {
    serde_json::to_value(v).map_err(|e| format!("cannot encode JSON: {e}").into())
}

/// Energy in the largest unit that keeps the number ≥ 1.
fn fmt_energy(pj: f64) -> String {
    let a = pj.abs();
    if a >= 1e6 {
        format!("{:.3} µJ", pj / 1e6)
    } else if a >= 1e3 {
        format!("{:.3} nJ", pj / 1e3)
    } else {
        format!("{pj:.1} pJ")
    }
}

/// Operation counts with thousands separators (per sample, so fractions are rounded).
fn fmt_count(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let r = v.round() as u64;
    let s = r.to_string();
    let mut outs = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            outs.push(',');
        }
        outs.push(ch);
    }
    outs
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

fn hidden_layers(ops: &OpReport) -> impl Iterator<Item = &LayerOps> {
    ops.layers.iter().filter(|l| l.name != "readout")
}

/// Test-set firing rates of the hidden layers (0 for neurons that do not spike).
fn firing_rates(ops: &OpReport) -> Vec<f64> {
    hidden_layers(ops).map(|l| l.firing_rate).collect()
}

/// Firing rates for display: "-" for neurons that do not spike (ReLU, BNN).
fn fmt_rates_for(n: &NeuronModel, r: &[f64]) -> String {
    if n.signal() != Signal::Spike || r.is_empty() {
        return "-".into();
    }
    r.iter().map(|v| format!("{:.1}%", v * 100.0)).collect::<Vec<_>>().join("/")
}

/// A progress bar on stderr, hidden for `--json` and when stderr is not a terminal.
pub fn progress_bar(len: u64, json: bool, label: String) -> ProgressBar {
    let hidden = json || !std::io::stderr().is_terminal();
    let pb = if hidden { ProgressBar::hidden() } else { ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()) };
    pb.set_length(len);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} eta {eta}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(label);
    pb
}

/// The neuron with its parameters, e.g. `s3nn(alpha=4.0,beta=1.0,θ=0)` or `lif(T=4,leak=0.5,θ=1)`.
pub fn neuron_label(n: &NeuronModel) -> String {
    match n {
        NeuronModel::Spike { surrogate, threshold } => {
            let s = serde_json::to_value(surrogate).ok();
            let params = s
                .as_ref()
                .and_then(Value::as_object)
                .map(|o| o.iter().filter(|(k, _)| *k != "kind").map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
                .unwrap_or_default();
            format!("{}({params}{}θ={threshold})", surrogate.name(), if params.is_empty() { "" } else { "," })
        }
        NeuronModel::MultiStep { steps, leak, threshold, .. } => {
            format!("{}(T={steps},leak={leak},θ={threshold})", if *leak == 1.0 { "if" } else { "lif" })
        }
        other => other.name().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// train

/// The network a command reports on, as `train`, `eval` and `ops` describe it.
pub struct NetFacts {
    pub arch: String,
    pub params: usize,
    pub neuron: NeuronModel,
}

impl NetFacts {
    pub fn of(net: &Model) -> Self {
        NetFacts { arch: net.spec.arch_string(), params: net.parameter_count(), neuron: net.neuron() }
    }
}

/// A network measured on a test set (what `eval` and `ops` both report).
pub struct Measured<'a> {
    pub net: NetFacts,
    pub data: &'a str,
    pub eval: &'a EvalReport,
}

impl Measured<'_> {
    /// The JSON line of `eval` and `ops`: `head` (type and source), then the network, the data
    /// and the sample count, then `rest` (what each command measured).
    fn json(&self, head: Value, rest: Value) -> Value {
        let measured = json!({
            "arch": self.net.arch,
            "neuron": neuron_label(&self.net.neuron),
            "data": self.data,
            "samples": self.eval.samples,
        });
        let mut line = serde_json::Map::new();
        for part in [head, measured, rest] {
            if let Value::Object(fields) = part {
                line.extend(fields);
            }
        }
        Value::Object(line)
    }
}

/// What `train` says before the first epoch.
pub struct TrainHeader<'a> {
    pub data: &'a str,
    pub train_samples: usize,
    pub test_samples: usize,
    pub classes: usize,
    pub load_s: f64,
    pub net: NetFacts,
    pub batch_norm: bool,
    pub optimizer: &'a str,
    pub lr: f32,
    pub schedule: &'a LrSchedule,
    pub penalty: &'a RatePenalty,
    pub batch: usize,
    pub epochs: usize,
    pub seed: u64,
}

/// Human output only (the JSON lines start with the first epoch).
pub fn train_header(json: bool, h: &TrainHeader) {
    if json {
        return;
    }
    out(format!(
        "data {}: {} train / {} test samples, {} classes, loaded in {:.2} s",
        h.data, h.train_samples, h.test_samples, h.classes, h.load_s
    ));
    out(format!(
        "net {} ({} parameters), neuron {}{}, {} lr {}{}, batch {}, {} epochs, seed {}{}",
        h.net.arch,
        h.net.params,
        neuron_label(&h.net.neuron),
        if h.batch_norm { " + batch norm" } else { "" },
        h.optimizer,
        h.lr,
        schedule_label(h.schedule),
        h.batch,
        h.epochs,
        h.seed,
        penalty_label(h.penalty)
    ));
}

/// ", cosine to 0", ", ×0.1 every 3 epochs", or nothing for the constant rate.
fn schedule_label(s: &LrSchedule) -> String {
    match *s {
        LrSchedule::Constant => String::new(),
        LrSchedule::Cosine { eta_min, .. } => format!(" cosine-annealed to {eta_min}"),
        LrSchedule::Step { step, gamma } => format!(" ×{gamma} every {step} epochs"),
    }
}

fn penalty_label(p: &RatePenalty) -> String {
    match (p.is_on(), p.target) {
        (false, _) => String::new(),
        (true, None) => format!(", rate penalty λ = {}", p.lambda),
        (true, Some(r)) => format!(", rate penalty λ = {} toward {r}", p.lambda),
    }
}

/// The rate-penalty part of the train loss, when there is one.
fn penalty_part(stats: &TrainStats) -> String {
    if stats.rate_penalty > 0.0 {
        format!(" (+ rate penalty {:.4})", stats.rate_penalty)
    } else {
        String::new()
    }
}

/// One epoch: training statistics, then the test-set evaluation after it.
pub struct EpochReport<'a> {
    pub epoch: usize,
    pub stats: &'a TrainStats,
    pub eval: &'a EvalReport,
    pub train_s: f64,
    pub eval_s: f64,
    pub neuron: &'a NeuronModel,
}

pub fn epoch(json: bool, r: &EpochReport) {
    let (stats, ev) = (r.stats, r.eval);
    let sps = stats.samples as f64 / r.train_s.max(1e-9);
    let rates = firing_rates(&ev.ops);
    if json {
        out_json(&json!({
            "type": "epoch",
            "epoch": r.epoch,
            "trainLoss": stats.loss,
            "ratePenalty": stats.rate_penalty,
            "lr": stats.lr,
            "trainAccuracy": stats.accuracy,
            "testLoss": ev.loss,
            "testAccuracy": ev.accuracy,
            "firingRates": rates,
            "trainFiringRates": stats.firing_rates,
            "gradNorms": stats.grad_norms,
            "trainSeconds": r.train_s,
            "samplesPerSec": sps,
            "evalSeconds": r.eval_s,
            "evalSamplesPerSec": ev.samples as f64 / r.eval_s.max(1e-9),
            "macs": ev.ops.macs,
            "acs": ev.ops.acs,
            "energyPj": ev.ops.energy_pj,
            "annEnergyPj": ev.ops.ann_energy_pj,
            "snnEnergyPj": ev.ops.snn_energy_pj,
            "ratioToAnn": ev.ops.ratio_to_ann,
        }));
    } else {
        out(format!(
            "epoch {:>3}: train loss {:.4}{} acc {} | test loss {:.4} acc {} | firing {} | {sps:.0} samples/s ({:.1} s) | energy {} / inference, {:.3}× ANN",
            r.epoch,
            stats.loss,
            penalty_part(stats),
            pct(f64::from(stats.accuracy)),
            ev.loss,
            pct(f64::from(ev.accuracy)),
            fmt_rates_for(r.neuron, &rates),
            r.train_s,
            fmt_energy(ev.ops.energy_pj),
            ev.ops.ratio_to_ann
        ));
    }
}

/// The end of a `train` run.
pub struct TrainSummary<'a> {
    pub header: TrainHeader<'a>,
    pub opt: &'a OptimizerSpec,
    pub eval: &'a EvalReport,
    pub train_s: f64,
    pub samples_per_sec: f64,
    pub saved: Option<String>,
}

pub fn train_summary(json: bool, s: &TrainSummary) -> CliResult<()> {
    let (h, ev) = (&s.header, s.eval);
    if json {
        out_json(&json!({
            "type": "summary",
            "data": h.data,
            "arch": h.net.arch,
            "neuron": neuron_label(&h.net.neuron),
            "neuronModel": to_value(&h.net.neuron)?,
            "batchNorm": h.batch_norm,
            "parameters": h.net.params,
            "optimizer": to_value(s.opt)?,
            "lrSchedule": to_value(h.schedule)?,
            "ratePenalty": to_value(h.penalty)?,
            "batch": h.batch,
            "epochs": h.epochs,
            "seed": h.seed,
            "trainSamples": h.train_samples,
            "testSamples": h.test_samples,
            "dataLoadSeconds": h.load_s,
            "trainSeconds": s.train_s,
            "samplesPerSec": s.samples_per_sec,
            "testAccuracy": ev.accuracy,
            "testLoss": ev.loss,
            "firingRates": firing_rates(&ev.ops),
            "ops": to_value(&ev.ops)?,
            "model": s.saved,
        }));
    } else {
        out(format!(
            "done: test accuracy {} (loss {:.4}) after {} epochs; training {:.0} samples/s over {:.1} s; data load {:.2} s",
            pct(f64::from(ev.accuracy)),
            ev.loss,
            h.epochs,
            s.samples_per_sec,
            s.train_s,
            h.load_s
        ));
        ops_table(&ev.ops);
        if let Some(p) = &s.saved {
            out(format!("model saved to {p}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// eval / ops

/// What `eval` measured.
pub struct EvalSummary<'a> {
    pub model: String,
    pub measured: Measured<'a>,
    pub classes: usize,
    pub batch: usize,
    pub load_s: f64,
    pub eval_s: f64,
    pub confusion: bool,
}

pub fn eval(json: bool, s: &EvalSummary) -> CliResult<()> {
    let Measured { net, data, eval: ev } = &s.measured;
    let sps = ev.samples as f64 / s.eval_s.max(1e-9);
    if json {
        out_json(&s.measured.json(
            json!({ "type": "eval", "model": s.model }),
            json!({
                "loss": ev.loss,
                "accuracy": ev.accuracy,
                "firingRates": firing_rates(&ev.ops),
                "dataLoadSeconds": s.load_s,
                "evalSeconds": s.eval_s,
                "samplesPerSec": sps,
                "confusion": ev.confusion,
                "ops": to_value(&ev.ops)?,
            }),
        ));
    } else {
        out(format!("model {} : {} ({} parameters), neuron {}", s.model, net.arch, net.params, neuron_label(&net.neuron)));
        out(format!("data {data}: {} test samples, loaded in {:.2} s", ev.samples, s.load_s));
        out(format!(
            "accuracy {} loss {:.4} | firing {} | {sps:.0} samples/s (batch {})",
            pct(f64::from(ev.accuracy)),
            ev.loss,
            fmt_rates_for(&net.neuron, &firing_rates(&ev.ops)),
            s.batch
        ));
        if s.confusion {
            confusion(&ev.confusion, s.classes);
        }
        ops_table(&ev.ops);
    }
    Ok(())
}

/// What `ops` counted.
pub struct OpsSummary<'a> {
    pub source: String,
    pub measured: Measured<'a>,
}

pub fn ops(json: bool, s: &OpsSummary) -> CliResult<()> {
    let Measured { net, data, eval: ev } = &s.measured;
    if json {
        out_json(&s.measured.json(
            json!({ "type": "ops", "source": s.source }),
            json!({ "accuracy": ev.accuracy, "firingRates": firing_rates(&ev.ops), "ops": to_value(&ev.ops)? }),
        ));
    } else {
        out(format!("{} ({}), neuron {}, over {} {data} test samples", net.arch, s.source, neuron_label(&net.neuron), ev.samples));
        ops_table(&ev.ops);
    }
    Ok(())
}

fn confusion(c: &[u32], k: usize) {
    let w = c.iter().map(|v| v.to_string().len()).max().unwrap_or(1).max(3);
    out("confusion (rows: true, columns: predicted)");
    out(format!("{:>4} {}", "", (0..k).map(|j| format!("{j:>w$}")).collect::<Vec<_>>().join(" ")));
    for (i, row) in c.chunks(k.max(1)).enumerate() {
        out(format!("{i:>4} {}", row.iter().map(|v| format!("{v:>w$}")).collect::<Vec<_>>().join(" ")));
    }
}

fn ops_table(ops: &OpReport) {
    // Only spike outputs have a firing rate; ReLU/BNN layers report 0, shown as "-".
    let spiking = hidden_layers(ops).any(|l| l.spikes > 0.0) || ops.layers.iter().any(|l| l.input == "spike");
    let header = ["layer", "kind", "input", "fan-in", "fan-out", "neurons", "MACs", "ACs", "firing", "energy"];
    let mut rows: Vec<[String; 10]> = ops
        .layers
        .iter()
        .map(|l| {
            [
                l.name.clone(),
                l.kind.clone(),
                l.input.clone(),
                l.fan_in.to_string(),
                l.fan_out.to_string(),
                l.neurons.to_string(),
                fmt_count(l.macs),
                fmt_count(l.acs),
                if l.name == "readout" || !spiking { "-".into() } else { format!("{:.2}%", l.firing_rate * 100.0) },
                fmt_energy(l.energy_pj),
            ]
        })
        .collect();
    rows.push([
        "total".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        fmt_count(ops.macs),
        fmt_count(ops.acs),
        String::new(),
        fmt_energy(ops.energy_pj),
    ]);
    let mut w = header.map(|h| h.chars().count());
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = w[i].saturating_sub(c.chars().count());
                // Text columns left-aligned, numbers right-aligned.
                if i < 3 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let rule = || w.iter().map(|&n| "-".repeat(n)).collect::<Vec<_>>().join("  ");
    let header_cells: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    out(line(&header_cells));
    out(rule());
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        if i + 1 == n {
            out(rule());
        }
        out(line(r));
    }
    let em = &ops.energy_model;
    let memory = if em.e_mem_pj > 0.0 { format!(", {} memory accesses at {} pJ", fmt_count(ops.mem_accesses), em.e_mem_pj) } else { String::new() };
    out(format!(
        "per inference ({} samples, {} step{}): {} (E_MAC {} pJ, E_AC {} pJ{memory})",
        ops.samples,
        ops.steps,
        if ops.steps == 1 { "" } else { "s" },
        fmt_energy(ops.energy_pj),
        em.e_mac_pj,
        em.e_ac_pj
    ));
    out(format!("ANN equivalent (all MACs):        {}", fmt_energy(ops.ann_energy_pj)));
    out(format!(
        "ANN skipping zero inputs:         {} ({} MACs; this net skipping them too: {})",
        fmt_energy(ops.ann_sparse_energy_pj),
        fmt_count(ops.ann_sparse_macs),
        fmt_energy(ops.sparse_energy_pj)
    ));
    out(format!(
        "{}-step SNN equivalent:            {} ({} MACs, {} ACs)",
        ops.snn_steps,
        fmt_energy(ops.snn_energy_pj),
        fmt_count(ops.snn_macs),
        fmt_count(ops.snn_acs)
    ));
    out(format!("ratio to ANN:                     {:.4}", ops.ratio_to_ann));
}
