//! Declarative network description: JSON (serde) or a compact string.
//!
//! Compact grammar, tokens joined by `-`:
//! - first token: the input, `784` (flat features) or `1x28x28` (channels × height × width);
//! - `400`: a dense hidden layer of 400 neurons;
//! - `c16` / `c16k3s1p1`: a conv layer with 16 output channels (kernel k, stride s, padding p;
//!   defaults 3, 1, 1);
//! - `mp` / `mp2`: 2×2 max-pool (on spikes: an OR over the window);
//! - last token: the number of classes (the real-valued readout layer).
//!
//! `784-400-400-10` is the reference MLP; `1x28x28-c16-mp-c32-mp-10` a small CNN.

use crate::error::{Result, S3nnError};
use crate::neuron::NeuronModel;
use serde::{Deserialize, Serialize};

/// Largest parameter count a spec may ask for (guards against absurd allocations from bad input).
pub const MAX_PARAMS: usize = 64 << 20;

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LayerSpec {
    Dense { units: usize },
    Conv {
        channels: usize,
        #[serde(default = "three")]
        kernel: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default = "one")]
        padding: usize,
    },
    MaxPool {
        #[serde(default = "two")]
        size: usize,
    },
}
fn one() -> usize {
    1
}
fn two() -> usize {
    2
}
fn three() -> usize {
    3
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSpec {
    /// Input shape [channels, height, width]; flat inputs are [features, 1, 1].
    pub input: [usize; 3],
    /// Hidden layers in order (each dense/conv layer is followed by the neuron).
    pub hidden: Vec<LayerSpec>,
    /// Number of classes: the size of the real-valued readout.
    pub classes: usize,
    #[serde(default)]
    pub neuron: NeuronModel,
    /// Batch normalization between each hidden layer's product and its neuron.
    #[serde(default)]
    pub batch_norm: bool,
}

/// Shape of an activation between layers: channels × height × width, stored HWC per sample.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    pub c: usize,
    pub h: usize,
    pub w: usize,
}
impl Shape {
    pub fn len(&self) -> usize {
        self.c * self.h * self.w
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl NetworkSpec {
    /// Parses the compact form; the neuron model is given separately.
    pub fn parse(arch: &str, neuron: NeuronModel) -> Result<Self> {
        let tokens: Vec<&str> = arch.trim().split('-').map(str::trim).collect();
        if tokens.len() < 2 {
            return Err(S3nnError::Arch(format!(
                "'{arch}': need at least an input and a class count, e.g. 784-400-10"
            )));
        }
        let input = parse_input(tokens[0], arch)?;
        let classes = parse_count(tokens[tokens.len() - 1], arch, "class count")?;
        let mut hidden = Vec::new();
        for tok in &tokens[1..tokens.len() - 1] {
            hidden.push(parse_layer(tok, arch)?);
        }
        let spec = NetworkSpec { input, hidden, classes, neuron, batch_norm: false };
        spec.validate()?;
        Ok(spec)
    }

    /// The compact string for this spec (inverse of `parse`).
    pub fn arch_string(&self) -> String {
        let mut parts = vec![if self.input[1] == 1 && self.input[2] == 1 {
            self.input[0].to_string()
        } else {
            format!("{}x{}x{}", self.input[0], self.input[1], self.input[2])
        }];
        for l in &self.hidden {
            parts.push(match l {
                LayerSpec::Dense { units } => units.to_string(),
                LayerSpec::Conv { channels, kernel, stride, padding } => {
                    if (*kernel, *stride, *padding) == (3, 1, 1) {
                        format!("c{channels}")
                    } else {
                        format!("c{channels}k{kernel}s{stride}p{padding}")
                    }
                }
                LayerSpec::MaxPool { size } => format!("mp{size}"),
            });
        }
        parts.push(self.classes.to_string());
        parts.join("-")
    }

    /// Checks every size, the order of layers and the total parameter count.
    pub fn validate(&self) -> Result<()> {
        self.neuron.validate()?;
        if self.classes < 2 {
            return Err(S3nnError::Arch(format!("need at least 2 classes, got {}", self.classes)));
        }
        self.shapes().map(|_| ())
    }

    /// Input and output shape of every hidden layer, then the readout's input; validates as it goes.
    /// Every size comes from input (a string, a JSON file, a model file), so all arithmetic on
    /// it is checked: a wrapped product would pass the checks and then hang or over-allocate.
    pub fn shapes(&self) -> Result<Vec<(Shape, Shape)>> {
        let [c, h, w] = self.input;
        let mut cur = Shape { c, h, w };
        let too_large = |what: String| S3nnError::TooLarge(format!("{what} overflows (architecture '{}')", self.arch_string()));
        let cur_len = checked_len(cur).ok_or_else(|| too_large(format!("input {:?}", self.input)))?;
        if cur_len == 0 {
            return Err(S3nnError::Arch(format!("input {:?} has a zero dimension", self.input)));
        }
        let mut out = Vec::new();
        let mut params = 0usize;
        let mut flat = cur.h == 1 && cur.w == 1;
        for (i, l) in self.hidden.iter().enumerate() {
            let next = match *l {
                LayerSpec::Dense { units } => {
                    if units == 0 {
                        return Err(S3nnError::Arch(format!("layer {i}: dense layer with 0 units")));
                    }
                    flat = true;
                    params = params.saturating_add(cur.len().saturating_mul(units.saturating_add(1)));
                    Shape { c: units, h: 1, w: 1 }
                }
                LayerSpec::Conv { channels, kernel, stride, padding } => {
                    if flat {
                        return Err(S3nnError::Arch(format!(
                            "layer {i}: conv needs a spatial input (give the input as CxHxW and put conv layers before dense ones)"
                        )));
                    }
                    if channels == 0 || kernel == 0 || stride == 0 {
                        return Err(S3nnError::Arch(format!("layer {i}: conv channels, kernel and stride must be > 0")));
                    }
                    let padded = |side: usize| padding.checked_mul(2).and_then(|p| side.checked_add(p));
                    let (Some(ph), Some(pw)) = (padded(cur.h), padded(cur.w)) else {
                        return Err(too_large(format!("layer {i}: padding {padding}")));
                    };
                    if ph < kernel || pw < kernel {
                        return Err(S3nnError::Arch(format!("layer {i}: kernel {kernel} larger than padded input {}x{}", cur.h, cur.w)));
                    }
                    let patch = kernel
                        .checked_mul(kernel)
                        .and_then(|k2| k2.checked_mul(cur.c))
                        .ok_or_else(|| too_large(format!("layer {i}: kernel {kernel}×{kernel}×{} channels", cur.c)))?;
                    params = params.saturating_add(patch.saturating_mul(channels).saturating_add(channels));
                    Shape { c: channels, h: (ph - kernel) / stride + 1, w: (pw - kernel) / stride + 1 }
                }
                LayerSpec::MaxPool { size } => {
                    if flat || i == 0 || matches!(self.hidden[i - 1], LayerSpec::Dense { .. }) {
                        return Err(S3nnError::Arch(format!("layer {i}: max-pool must follow a conv layer")));
                    }
                    if size < 1 || cur.h < size || cur.w < size {
                        return Err(S3nnError::Arch(format!("layer {i}: pool {size} does not fit {}x{}", cur.h, cur.w)));
                    }
                    Shape { c: cur.c, h: cur.h / size, w: cur.w / size }
                }
            };
            // From here on `Shape::len` of every shape is known not to overflow.
            checked_len(next).ok_or_else(|| too_large(format!("layer {i}: output {}x{}x{}", next.c, next.h, next.w)))?;
            out.push((cur, next));
            cur = next;
        }
        params = params.saturating_add(cur.len().saturating_mul(self.classes.saturating_add(1)));
        if params > MAX_PARAMS {
            return Err(S3nnError::TooLarge(format!("{params} parameters (limit {MAX_PARAMS})")));
        }
        out.push((cur, Shape { c: self.classes, h: 1, w: 1 }));
        Ok(out)
    }
}

/// `c × h × w`, or `None` if it overflows.
fn checked_len(s: Shape) -> Option<usize> {
    s.c.checked_mul(s.h)?.checked_mul(s.w)
}

fn parse_count(tok: &str, arch: &str, what: &str) -> Result<usize> {
    tok.parse::<usize>()
        .map_err(|_| S3nnError::Arch(format!("'{arch}': '{tok}' is not a valid {what}")))
}

fn parse_input(tok: &str, arch: &str) -> Result<[usize; 3]> {
    let dims: Vec<&str> = tok.split('x').collect();
    match dims.as_slice() {
        [f] => Ok([parse_count(f, arch, "input size")?, 1, 1]),
        [c, h, w] => Ok([
            parse_count(c, arch, "channel count")?,
            parse_count(h, arch, "height")?,
            parse_count(w, arch, "width")?,
        ]),
        _ => Err(S3nnError::Arch(format!("'{arch}': input '{tok}' must be N or CxHxW"))),
    }
}

fn parse_layer(tok: &str, arch: &str) -> Result<LayerSpec> {
    let bad = || S3nnError::Arch(format!("'{arch}': cannot read layer '{tok}' (expected N, cN[kK][sS][pP] or mp[N])"));
    if let Some(rest) = tok.strip_prefix("mp") {
        let size = if rest.is_empty() { 2 } else { rest.parse().map_err(|_| bad())? };
        return Ok(LayerSpec::MaxPool { size });
    }
    if let Some(rest) = tok.strip_prefix('c') {
        // c16k3s1p1: split into letter-tagged numbers.
        let mut fields = [None::<usize>; 4]; // channels, k, s, p
        let mut slot = 0usize;
        let mut num = String::new();
        let flush = |slot: usize, num: &mut String, fields: &mut [Option<usize>; 4]| -> Result<()> {
            if num.is_empty() || fields[slot].is_some() {
                return Err(bad());
            }
            fields[slot] = Some(num.parse().map_err(|_| bad())?);
            num.clear();
            Ok(())
        };
        for ch in rest.chars() {
            match ch {
                '0'..='9' => num.push(ch),
                'k' | 's' | 'p' => {
                    flush(slot, &mut num, &mut fields)?;
                    slot = match ch {
                        'k' => 1,
                        's' => 2,
                        _ => 3,
                    };
                }
                _ => return Err(bad()),
            }
        }
        flush(slot, &mut num, &mut fields)?;
        return Ok(LayerSpec::Conv {
            channels: fields[0].ok_or_else(bad)?,
            kernel: fields[1].unwrap_or(3),
            stride: fields[2].unwrap_or(1),
            padding: fields[3].unwrap_or(1),
        });
    }
    Ok(LayerSpec::Dense { units: tok.parse().map_err(|_| bad())? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mlp_and_cnn_and_round_trips() {
        let s = NetworkSpec::parse("784-400-400-10", NeuronModel::default()).unwrap();
        assert_eq!(s.input, [784, 1, 1]);
        assert_eq!(s.hidden, vec![LayerSpec::Dense { units: 400 }, LayerSpec::Dense { units: 400 }]);
        assert_eq!(s.classes, 10);
        assert_eq!(s.arch_string(), "784-400-400-10");
        let c = NetworkSpec::parse("1x28x28-c16-mp-c32k3s2p1-mp-10", NeuronModel::default()).unwrap();
        let shapes = c.shapes().unwrap();
        assert_eq!(shapes[0].1, Shape { c: 16, h: 28, w: 28 });
        assert_eq!(shapes[1].1, Shape { c: 16, h: 14, w: 14 });
        assert_eq!(shapes[2].1, Shape { c: 32, h: 7, w: 7 });
        assert_eq!(shapes[3].1, Shape { c: 32, h: 3, w: 3 });
        assert_eq!(c.arch_string(), "1x28x28-c16-mp2-c32k3s2p1-mp2-10");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<NetworkSpec>(&json).unwrap(), c);
    }

    #[test]
    fn rejects_bad_architectures_with_a_message() {
        for (arch, needle) in [
            ("784", "at least"),
            ("784-abc-10", "abc"),
            ("784-0-10", "0 units"),
            ("784-400-1", "2 classes"),
            ("784-c16-10", "spatial"),
            ("1x28x28-mp-10", "follow a conv"),
            ("1x4x4-c8k9p0-10", "larger than"),
            ("100000-100000-10", "parameters"),
            ("2x2-10", "N or CxHxW"),
            // Issue #15 defect 2: each of these wrapped a product or sum in release builds.
            ("1x28x28-c1k4294967296p2147483648-10", "too large"),
            ("1x28x28-c1k3p9223372036854775807-10", "too large"),
            ("2-18446744073709551615", "parameters"),
            ("2-4294967295", "parameters"),
            ("2-18446744073709551615-10", "parameters"),
            ("4294967296x4294967296x4294967296-10", "too large"),
            ("1x65536x65536-c65536k1p0-10", "too large"),
        ] {
            let err = NetworkSpec::parse(arch, NeuronModel::default()).unwrap_err().to_string();
            assert!(err.contains(needle), "{arch}: {err}");
        }
    }
}
