//! `Network` for JS: a model with its optimizer and data order (a `Trainer` underneath).

use super::convert::{self, err, to_js};
use super::dataset::Dataset;
use crate::neuron::NeuronModel;
use crate::optim::OptimizerSpec;
use crate::spec::NetworkSpec;
use crate::train::{self, Trainer};
use wasm_bindgen::prelude::*;

/// A trainable S³NN (or baseline) network. Call `free()` when done with it.
#[wasm_bindgen]
pub struct Network {
    trainer: Trainer,
    seed: u64,
}

fn build(cfg: &JsValue) -> Result<(NetworkSpec, OptimizerSpec, u64), JsError> {
    if !cfg.is_object() {
        return Err(JsError::new("Network config must be an object like {arch: '2-16-16-2', neuron: 's3nn'}"));
    }
    let f32_of = |k: &str| convert::num(cfg, k).map(|v| v.map(|x| x as f32));
    let neuron_name = convert::string(cfg, "neuron")?.unwrap_or_else(|| "s3nn".into());
    let a = match f32_of("alpha")? {
        Some(v) => Some(v),
        None => match f32_of("width")? {
            Some(v) => Some(v),
            None => f32_of("slope")?,
        },
    };
    let neuron = NeuronModel::from_name(
        &neuron_name,
        a,
        f32_of("beta")?,
        f32_of("threshold")?,
        convert::count(cfg, "steps")?,
        f32_of("leak")?,
    )
    .map_err(err)?;
    let arch = convert::string(cfg, "arch")?.ok_or_else(|| JsError::new("Network config needs 'arch', e.g. '784-400-400-10'"))?;
    let mut spec = NetworkSpec::parse(&arch, neuron).map_err(err)?;
    let bn = convert::get(cfg, "batchNorm");
    spec.batch_norm = bn.as_bool().unwrap_or(false);
    let opt_name = convert::string(cfg, "optimizer")?.unwrap_or_else(|| "adam".into());
    let lr = f32_of("lr")?.unwrap_or(1e-3);
    let opt = OptimizerSpec::from_name(&opt_name, lr).map_err(err)?;
    let seed = convert::count(cfg, "seed")?.unwrap_or(1) as u64;
    Ok((spec, opt, seed))
}

#[wasm_bindgen]
impl Network {
    /// `{arch, neuron?, alpha?, beta?, threshold?, steps?, leak?, batchNorm?, optimizer?, lr?, seed?}`.
    /// `neuron` is one of s3nn, sigmoid, rect, atan, fastsigmoid, bnn, relu, lif.
    #[wasm_bindgen(constructor)]
    pub fn new(cfg: JsValue) -> Result<Network, JsError> {
        let (spec, opt, seed) = build(&cfg)?;
        let net = crate::model::Model::new(spec, seed).map_err(err)?;
        Ok(Network { trainer: Trainer::new(net, opt, seed).map_err(err)?, seed })
    }

    /// Reads a model saved by `save()` or by the CLI (safetensors). Training continues with Adam 1e-3.
    pub fn load(bytes: &[u8]) -> Result<Network, JsError> {
        let net = crate::io::load(bytes).map_err(err)?;
        Ok(Network { trainer: Trainer::new(net, OptimizerSpec::default(), 1).map_err(err)?, seed: 1 })
    }

    /// The model as safetensors bytes (weights in PyTorch layout, spec in the metadata).
    pub fn save(&self) -> Result<Vec<u8>, JsError> {
        crate::io::save(&self.trainer.net).map_err(err)
    }

    /// The network spec as a plain object.
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

    /// The seed this network was created with.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> u32 {
        self.seed as u32
    }

    /// Changes the learning rate from the next step on (optimizer state is kept).
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<(), JsError> {
        let mut spec = self.trainer.opt.spec;
        match &mut spec {
            OptimizerSpec::Adam { lr: l, .. } | OptimizerSpec::Sgd { lr: l, .. } => *l = lr,
        }
        spec.validate().map_err(err)?;
        self.trainer.opt.spec = spec;
        Ok(())
    }

    /// Runs `steps` optimizer steps on mini-batches of a seeded shuffle of `data`.
    /// Returns `{steps, samples, loss, accuracy, epoch, gradNorms, firingRates}`.
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, data: &Dataset, steps: usize, batch_size: usize) -> Result<JsValue, JsError> {
        let stats = self.trainer.train_steps(&data.inner, steps, batch_size).map_err(err)?;
        to_js(&stats)
    }

    /// Loss, accuracy, confusion matrix and mean operation counts over (the first `limit` of) `data`.
    pub fn evaluate(&mut self, data: &Dataset, limit: Option<usize>, energy: JsValue) -> Result<JsValue, JsError> {
        let e = convert::energy_from_js(&energy)?;
        let r = train::evaluate(&mut self.trainer.net, &data.inner, train::EVAL_BATCH, limit, &e).map_err(err)?;
        to_js(&r)
    }

    /// Class predictions for `n` samples (`x` is `n × features`).
    pub fn predict(&mut self, x: &[f32], n: usize) -> Result<Vec<u32>, JsError> {
        self.trainer.net.predict(x, n).map_err(err)
    }

    /// Softmax probabilities, `n × classes`.
    #[wasm_bindgen(js_name = predictProba)]
    pub fn predict_proba(&mut self, x: &[f32], n: usize) -> Result<Vec<f32>, JsError> {
        let k = self.trainer.net.classes();
        let logits = self.trainer.net.forward(x, n, false).map_err(err)?;
        Ok(crate::loss::softmax(logits, k))
    }

    /// Runs `n` samples and returns every hidden layer's record:
    /// `[{name, kind, shape: {c, h, w}, steps, spikes: Uint8Array, potentials: Float32Array, firingRate}]`,
    /// each array `(steps·n) × neurons` (conv layers in HWC order); potentials are `u − θ`.
    pub fn record(&mut self, x: &[f32], n: usize) -> Result<js_sys::Array, JsError> {
        let inspection = self.trainer.net.inspect(x, n, &crate::ops::EnergyModel::default()).map_err(err)?;
        let out = js_sys::Array::new();
        for r in &inspection.layers {
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

    /// Operation counts and energy for `n` samples: per layer MACs, ACs, firing rate, energy;
    /// totals; and the same network as an ANN and as a T-step SNN. `energy` is optional
    /// `{eMacPj, eAcPj, snnSteps}` (defaults 4.6, 0.9, 4).
    #[wasm_bindgen(js_name = opCounts)]
    pub fn op_counts(&mut self, x: &[f32], n: usize, energy: JsValue) -> Result<JsValue, JsError> {
        let e = convert::energy_from_js(&energy)?;
        to_js(&self.trainer.net.inspect(x, n, &e).map_err(err)?.ops)
    }
}
