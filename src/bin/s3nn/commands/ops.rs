//! `s3nn ops`: per-layer operation counts and energy of a saved model or an untrained network.

use s3nn::{evaluate, Model};

use crate::args::{OpsArgs, CLI_EVAL_BATCH};
use crate::inputs::{energy_from, neuron_config, read_model, test_data_for, with_arch};
use crate::report::{self, Measured, NetFacts, OpsSummary};
use crate::CliResult;

pub fn run(a: OpsArgs) -> CliResult<()> {
    let energy = energy_from(&a.energy)?;
    let (mut net, source) = match (&a.model, &a.arch) {
        (Some(p), _) => (read_model(p)?, p.display().to_string()),
        (None, Some(arch)) => {
            let (spec, _, _) = with_arch(&neuron_config(&a.neuron)?, arch).build()?;
            (Model::new(spec, a.test.seed)?, format!("untrained, seed {}", a.test.seed))
        }
        (None, None) => return Err("give --model FILE or --arch ARCH (with --neuron) for an untrained network".into()),
    };
    let (name, test) = test_data_for(&net, &a.test)?;
    let ev = evaluate(&mut net, &test, CLI_EVAL_BATCH, None, &energy)?;
    report::ops(a.common.json, &OpsSummary { source, measured: Measured { net: NetFacts::of(&net), data: &name, eval: &ev } })
}
