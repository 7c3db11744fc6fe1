//! TEMPORARY stand-in; the real module lands from the kernels branch.
use serde::{Deserialize, Serialize};
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Surrogate { S3nn { alpha: f32, beta: f32 }, Sigmoid { alpha: f32 }, Rect { width: f32 }, Atan { alpha: f32 }, FastSigmoid { slope: f32 } }
impl Default for Surrogate { fn default() -> Self { Surrogate::S3nn { alpha: 4.0, beta: 1.0 } } }
fn sig(x: f32) -> f32 { if x >= 0.0 { 1.0 / (1.0 + libm::expf(-x)) } else { let e = libm::expf(x); e / (1.0 + e) } }
impl Surrogate {
    pub fn validate(&self) -> crate::error::Result<()> { Ok(()) }
    pub fn grad(&self, x: f32) -> f32 { match *self {
        Surrogate::S3nn { alpha, beta } => if x < 0.0 { let s = sig(alpha * x); alpha * s * (1.0 - s) } else { beta / (x + 1.0) },
        Surrogate::Sigmoid { alpha } => { let s = sig(alpha * x); alpha * s * (1.0 - s) }
        Surrogate::Rect { width } => if x.abs() < width / 2.0 { 1.0 / width } else { 0.0 },
        Surrogate::Atan { alpha } => { let t = core::f32::consts::PI * alpha * x / 2.0; alpha / (2.0 * (1.0 + t * t)) }
        Surrogate::FastSigmoid { slope } => { let d = 1.0 + slope * x.abs(); 1.0 / (d * d) }
    } }
    pub fn primitive(&self, x: f32) -> f32 { match *self {
        Surrogate::S3nn { alpha, beta } => if x < 0.0 { sig(alpha * x) } else { beta * libm::logf(x + 1.0) + 0.5 },
        Surrogate::Sigmoid { alpha } => sig(alpha * x),
        Surrogate::Rect { width } => (x / width + 0.5).clamp(0.0, 1.0),
        Surrogate::Atan { alpha } => 0.5 + libm::atanf(core::f32::consts::PI * alpha * x / 2.0) / core::f32::consts::PI,
        Surrogate::FastSigmoid { slope } => 0.5 + x / (1.0 + slope * x.abs()),
    } }
    pub fn name(&self) -> &'static str { match self { Surrogate::S3nn { .. } => "s3nn", Surrogate::Sigmoid { .. } => "sigmoid", Surrogate::Rect { .. } => "rect", Surrogate::Atan { .. } => "atan", Surrogate::FastSigmoid { .. } => "fastSigmoid" } }
    pub fn from_name(name: &str, a: Option<f32>, b: Option<f32>) -> crate::error::Result<Self> {
        Ok(match name { "s3nn" => Surrogate::S3nn { alpha: a.unwrap_or(4.0), beta: b.unwrap_or(1.0) }, "sigmoid" => Surrogate::Sigmoid { alpha: a.unwrap_or(4.0) }, "rect" => Surrogate::Rect { width: a.unwrap_or(1.0) }, "atan" => Surrogate::Atan { alpha: a.unwrap_or(2.0) }, "fastSigmoid" | "fastsigmoid" => Surrogate::FastSigmoid { slope: a.unwrap_or(25.0) }, _ => return Err(crate::error::S3nnError::Config(format!("unknown surrogate '{name}'"))) })
    }
}
pub fn sample(s: &Surrogate, lo: f32, hi: f32, n: usize) -> crate::error::Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let xs: Vec<f32> = (0..n).map(|i| lo + (hi - lo) * i as f32 / (n - 1) as f32).collect();
    Ok((xs.clone(), xs.iter().map(|&x| s.grad(x)).collect(), xs.iter().map(|&x| s.primitive(x)).collect()))
}
