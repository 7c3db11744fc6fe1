//! `Network` for JS: a model with its optimizer and data order (a `Trainer` underneath).

use super::args;
use super::convert::{self, err, to_js};
use super::dataset::Dataset;
use crate::config::{RunConfig, TrainConfig};
use crate::inspect::LayerRecord;
use crate::train::{self, Trainer};
use wasm_bindgen::prelude::*;

/// A trainable S³NN (or baseline) network. Call `free()` when done with it.
#[wasm_bindgen]
pub struct Network {
    trainer: Trainer,
    seed: u64,
}

#[wasm_bindgen]
impl Network {
    /// `{arch, neuron?, alpha?, beta?, <surrogate parameter by catalog name>?…, threshold?, steps?, leak?, batchNorm?,
    /// optimizer?, lr?, seed?, lrSchedule?, epochs?, etaMin?, stepSize?, gamma?, ratePenalty?, targetRate?}`
    /// (the core's `RunConfig`); names and defaults are the catalog's (`catalog()`:
    /// `neurons[].name`, `optimizers[].name`, `schedules[]`, `ratePenalty[]`). The schedule steps
    /// the learning rate each time `trainSteps` crosses into a new epoch; cosine needs `epochs`
    /// (its T_max). An unknown key or a value of the wrong type throws.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "NetworkConfig")] cfg: JsValue) -> Result<Network, JsError> {
        args::config_object(&cfg, "Network config", false)?;
        let cfg: RunConfig = convert::config_from_js(&cfg, &[("arch", JsValue::from_str(""))]).map_err(|e| err(RunConfig::error(&e)))?;
        let (spec, opt, seed) = cfg.build().map_err(err)?;
        let net = crate::model::Model::new(spec, seed).map_err(err)?;
        let mut trainer = Trainer::new(net, opt, seed).map_err(err)?;
        trainer.set_schedule(cfg.schedule().map_err(err)?).map_err(err)?;
        trainer.set_rate_penalty(cfg.rate_penalty().map_err(err)?).map_err(err)?;
        Ok(Network { trainer, seed })
    }

    /// Reads a model saved by `save()` or by the CLI (safetensors) and goes on training it with
    /// `options` (`{optimizer?, lr?, seed?, lrSchedule?, epochs?, etaMin?, stepSize?, gamma?,
    /// ratePenalty?, targetRate?}`, the core's `TrainConfig`; absent ones take the catalog's
    /// defaults, as in `new Network`). The architecture, neuron and weights come from the file.
    pub fn load(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TrainConfig | null")] options: Option<JsValue>,
    ) -> Result<Network, JsError> {
        let bytes = args::bytes(&bytes, "bytes")?;
        let options = train_options(options)?;
        let net = crate::io::load(&bytes).map_err(err)?;
        Network::resume(net, &options)
    }
    /// Reads a NIR graph (HDF5 bytes, e.g. from snnTorch or `nir.write` in Python) of the shape
    /// `toNir()` writes — Affine/Linear/Conv2d layers, each followed by a LIF, IF or Threshold
    /// node read as one step from rest, pools with an OR threshold, Flatten, the readout — into a
    /// trainable network, trained on with `options` as in `load`. Anything else throws an Error
    /// naming the node.
    #[wasm_bindgen(js_name = fromNir)]
    pub fn from_nir(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TrainConfig | null")] options: Option<JsValue>,
    ) -> Result<Network, JsError> {
        let bytes = args::bytes(&bytes, "bytes")?;
        let options = train_options(options)?;
        let net = crate::nir::from_nir(&bytes).map_err(err)?;
        Network::resume(net, &options)
    }

    /// The network as a NIR graph (HDF5 bytes) for snnTorch, Norse, SpikingJelly, Sinabs, Lava,
    /// SpiNNaker2, …: batch norm folded, θ in the biases, LIF nodes that run one step from rest.
    /// Only single-step spiking networks: ReLU, BNN and multi-step networks throw with the reason.
    #[wasm_bindgen(js_name = toNir)]
    pub fn to_nir(&self) -> Result<Vec<u8>, JsError> {
        crate::nir::to_nir(&self.trainer.net).map_err(err)
    }

    /// The model as safetensors bytes (weights in PyTorch layout, spec in the metadata).
    pub fn save(&self) -> Result<Vec<u8>, JsError> {
        crate::io::save(&self.trainer.net).map_err(err)
    }

    /// The network spec as a plain object.
    #[wasm_bindgen(unchecked_return_type = "NetworkSpec")]
    pub fn spec(&self) -> Result<JsValue, JsError> {
        to_js(&self.trainer.net.spec)
    }

    /// The compact architecture string, e.g. "784-400-400-10".
    pub fn arch(&self) -> String {
        self.trainer.net.spec.arch_string()
    }

    /// Number of trainable parameters.
    #[wasm_bindgen(getter, js_name = parameterCount)]
    pub fn parameter_count(&self) -> usize {
        self.trainer.net.parameter_count()
    }

    /// Time steps per inference (1 except for the multi-step SNN).
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> usize {
        self.trainer.net.steps()
    }

    /// The seed this network was created with (a JS number: exact, since the config's `seed` is one).
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> f64 {
        self.seed as f64
    }

    /// Changes the learning rate from the next step on (optimizer state is kept); under a
    /// schedule it is the new base rate, scaled by the current epoch's factor.
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] lr: JsValue) -> Result<(), JsError> {
        let lr = args::number(&lr, "lr")?;
        self.trainer.set_learning_rate(lr).map_err(err)
    }

    /// Trains through another surrogate gradient from the next step on, e.g. `{kind: 's3nn',
    /// alpha: 2, beta: 1}` (as `surrogateCurve` takes it): weights and optimizer state are kept,
    /// so a run goes on. Throws for a network whose neuron has none (ReLU, BNN).
    #[wasm_bindgen(js_name = setSurrogate)]
    pub fn set_surrogate(&mut self, #[wasm_bindgen(unchecked_param_type = "SurrogateConfig")] cfg: JsValue) -> Result<(), JsError> {
        let s = convert::surrogate_from_js(cfg)?;
        self.trainer.set_surrogate(s).map_err(err)
    }

    /// Runs `steps` optimizer steps on mini-batches of a seeded shuffle of `data`.
    /// Returns `{steps, samples, loss, ratePenalty, lr, accuracy, epoch, gradNorms, firingRates}`:
    /// `loss` is the cross-entropy, `ratePenalty` the penalty term (the sum is what is minimized),
    /// `lr` the learning rate of the last step.
    #[wasm_bindgen(js_name = trainSteps)]
    #[wasm_bindgen(unchecked_return_type = "TrainStats")]
    pub fn train_steps(
        &mut self,
        data: &Dataset,
        #[wasm_bindgen(unchecked_param_type = "number")] steps: JsValue,
        #[wasm_bindgen(js_name = batchSize, unchecked_param_type = "number")] batch_size: JsValue,
    ) -> Result<JsValue, JsError> {
        let (steps, batch_size) = (args::index(&steps, "steps")?, args::index(&batch_size, "batchSize")?);
        let stats = self.trainer.train_steps(&data.inner, steps, batch_size).map_err(err)?;
        to_js(&stats)
    }

    /// Loss, accuracy, confusion matrix and mean operation counts over (the first `limit` of) `data`,
    /// in batches of the core's `train::EVAL_BATCH`.
    #[wasm_bindgen(unchecked_return_type = "EvalReport")]
    pub fn evaluate(
        &mut self,
        data: &Dataset,
        #[wasm_bindgen(unchecked_param_type = "number | null")] limit: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "EnergyConfig | null")] energy: Option<JsValue>,
    ) -> Result<JsValue, JsError> {
        let limit = limit.map(|v| args::index(&v, "limit")).transpose()?;
        let e = convert::energy_from_js(energy)?;
        let r = train::evaluate(&mut self.trainer.net, &data.inner, train::EVAL_BATCH, limit, &e).map_err(err)?;
        to_js(&r)
    }

    /// Class predictions for `n` samples (`x` is `n × features`).
    pub fn predict(&mut self, #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<Vec<u32>, JsError> {
        let (x, n) = samples(&x, &n)?;
        self.trainer.net.predict(&x, n).map_err(err)
    }

    /// One inference pass over `n` samples and everything it shows:
    /// `{layers: [{name, kind, shape: {c, h, w}, steps, spikes: Uint8Array, potentials: Float32Array,
    /// firingRate}], probabilities: Float32Array, ops}`. Each layer's arrays are `(steps·n) × neurons`
    /// (rows t-major, conv layers in HWC order); potentials are `u − θ`; `probabilities` is
    /// `n × classes`; `ops` is what `opCounts` returns. `energy` is optional `{eMacPj, eAcPj,
    /// snnSteps}` (defaults: the catalog's `energy`).
    #[wasm_bindgen(unchecked_return_type = "Inspection")]
    pub fn inspect(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EnergyConfig | null")] energy: Option<JsValue>,
    ) -> Result<JsValue, JsError> {
        let (x, n) = samples(&x, &n)?;
        let e = convert::energy_from_js(energy)?;
        let inspection = self.trainer.net.inspect(&x, n, &e).map_err(err)?;
        let out = js_sys::Object::new();
        convert::set(&out, "layers", &layers_to_js(&inspection.layers)?.into());
        convert::set(&out, "probabilities", &js_sys::Float32Array::from(&inspection.probabilities[..]).into());
        convert::set(&out, "ops", &to_js(&inspection.ops)?);
        Ok(out.into())
    }

    /// Softmax probabilities, `n × classes` (`inspect(...).probabilities` without the layer records).
    #[wasm_bindgen(js_name = predictProba)]
    pub fn predict_proba(&mut self, #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<Vec<f32>, JsError> {
        let (x, n) = samples(&x, &n)?;
        let k = self.trainer.net.classes();
        let logits = self.trainer.net.forward(&x, n, false).map_err(err)?;
        Ok(crate::loss::softmax(logits, k))
    }

    /// Every hidden layer's record for `n` samples: `inspect(x, n).layers`.
    #[wasm_bindgen(unchecked_return_type = "LayerRecord[]")]
    pub fn record(&mut self, #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue, #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<js_sys::Array, JsError> {
        let (x, n) = samples(&x, &n)?;
        let inspection = self.trainer.net.inspect(&x, n, &crate::ops::EnergyModel::default()).map_err(err)?;
        layers_to_js(&inspection.layers)
    }

    /// Operation counts and energy for `n` samples (`inspect(x, n, energy).ops`): per layer MACs,
    /// ACs, firing rate, energy; totals; and the same network as an ANN and as a T-step SNN.
    #[wasm_bindgen(js_name = opCounts)]
    #[wasm_bindgen(unchecked_return_type = "OpReport")]
    pub fn op_counts(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Float32Array | number[]")] x: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EnergyConfig | null")] energy: Option<JsValue>,
    ) -> Result<JsValue, JsError> {
        let (x, n) = samples(&x, &n)?;
        let e = convert::energy_from_js(energy)?;
        to_js(&self.trainer.net.inspect(&x, n, &e).map_err(err)?.ops)
    }
}

impl Network {
    /// A trainer over a model that came from a file, with the training options of `run`.
    fn resume(net: crate::model::Model, run: &RunConfig) -> Result<Network, JsError> {
        let seed = run.seed.unwrap_or(crate::catalog::DEFAULT_SEED);
        let mut trainer = Trainer::new(net, run.optimizer().map_err(err)?, seed).map_err(err)?;
        trainer.set_schedule(run.schedule().map_err(err)?).map_err(err)?;
        trainer.set_rate_penalty(run.rate_penalty().map_err(err)?).map_err(err)?;
        Ok(Network { trainer, seed })
    }
}

/// Optional load options → the run config holding their optimizer, schedule, penalty and seed.
fn train_options(options: Option<JsValue>) -> Result<RunConfig, JsError> {
    let Some(v) = options else { return TrainConfig::default().run_config().map_err(err) };
    args::config_object(&v, "load options", true)?;
    let c: TrainConfig = convert::config_from_js(&v, &[]).map_err(|e| JsError::new(&format!("load options: {e}")))?;
    c.run_config().map_err(err)
}

/// The `(x, n)` pair of the inference methods: `n` samples of `x`.
fn samples(x: &JsValue, n: &JsValue) -> Result<(Vec<f32>, usize), JsError> {
    Ok((args::floats(x, "x")?, args::index(n, "n")?))
}

/// Layer records as JS objects with typed arrays (serde would make plain arrays of numbers).
fn layers_to_js(layers: &[LayerRecord]) -> Result<js_sys::Array, JsError> {
    let out = js_sys::Array::new();
    for r in layers {
        let o = js_sys::Object::new();
        convert::set(&o, "name", &r.name.as_str().into());
        convert::set(&o, "kind", &r.kind.into());
        convert::set(&o, "shape", &to_js(&r.shape)?);
        convert::set(&o, "steps", &(r.steps as u32).into());
        convert::set(&o, "spikes", &js_sys::Uint8Array::from(&r.spikes[..]).into());
        convert::set(&o, "potentials", &js_sys::Float32Array::from(&r.potentials[..]).into());
        convert::set(&o, "firingRate", &r.firing_rate.into());
        out.push(&o);
    }
    Ok(out)
}
