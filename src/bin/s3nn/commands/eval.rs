//! `s3nn eval`: accuracy, loss and operation counts of a saved model on a test set.

use std::time::Instant;

use s3nn::evaluate;

use crate::args::EvalArgs;
use crate::inputs::{energy_from, read_model, test_data_for};
use crate::report::{self, EvalSummary, Measured, NetFacts};
use crate::CliResult;

pub fn run(a: EvalArgs) -> CliResult<()> {
    let energy = energy_from(&a.energy)?;
    s3nn::train::check_batch(a.batch)?;
    let mut net = read_model(&a.model)?;
    let t_load = Instant::now();
    let (name, test) = test_data_for(&net, &a.test)?;
    let load_s = t_load.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let ev = evaluate(&mut net, &test, a.batch, None, &energy)?;
    let eval_s = t0.elapsed().as_secs_f64();
    report::eval(
        a.common.json,
        &EvalSummary {
            model: a.model.display().to_string(),
            measured: Measured { net: NetFacts::of(&net), data: &name, eval: &ev },
            classes: net.classes(),
            batch: a.batch,
            load_s,
            eval_s,
            confusion: a.confusion,
        },
    )
}
