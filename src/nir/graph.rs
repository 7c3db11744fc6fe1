//! A NIR graph in memory: the nodes s3nn reads or writes, by the names and fields of the `nir`
//! Python package 1.0 (`nir.ir`), and the edges between them.

/// An `f32` array with its shape (C order, as HDF5 and numpy store it).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data }
    }

    /// `value` in every element of `shape`.
    pub fn full(shape: &[usize], value: f32) -> Self {
        Tensor { shape: shape.to_vec(), data: vec![value; shape.iter().product()] }
    }
}

/// The nodes of NIR 1.0 that s3nn writes or reads (`nir.ir.*`, same field names). Everything
/// else is [`Node::Other`], which the importer refuses by name.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `shape`: one sample's shape, `[features]` or `[C, H, W]`.
    Input { shape: Vec<usize> },
    Output { shape: Vec<usize> },
    /// `y = W x + b`, `W` `[out, in]`.
    Affine { weight: Tensor, bias: Tensor },
    /// `y = W x`.
    Linear { weight: Tensor },
    /// PyTorch's `Conv2d`: `weight` `[C_out, C_in, kh, kw]`; `input_shape` `[H, W]`.
    Conv2d { weight: Tensor, bias: Tensor, stride: [i64; 2], padding: [i64; 2], dilation: [i64; 2], groups: i64, input_shape: Option<[i64; 2]> },
    /// `τ dv/dt = (v_leak − v) + R I`, spike and reset to `v_reset` when `v > v_threshold`.
    Lif { tau: Tensor, r: Tensor, v_leak: Tensor, v_threshold: Tensor, v_reset: Tensor },
    /// `dv/dt = R I`, spike and reset when `v > v_threshold`.
    If { r: Tensor, v_threshold: Tensor, v_reset: Tensor },
    /// `H(I − threshold)`.
    Threshold { threshold: Tensor },
    AvgPool2d { kernel_size: [i64; 2], stride: [i64; 2], padding: [i64; 2] },
    SumPool2d { kernel_size: [i64; 2], stride: [i64; 2], padding: [i64; 2] },
    /// Flattens dimensions `start_dim..=end_dim` of `input_type` (one sample, no batch dimension).
    Flatten { start_dim: i64, end_dim: i64, input_type: Option<Vec<usize>> },
    /// A node type s3nn does not read (its NIR type name).
    Other { kind: String },
}

impl Node {
    /// The NIR type name (`Affine`, `LIF`, …), as in the file's `type` dataset.
    pub fn kind(&self) -> &str {
        match self {
            Node::Input { .. } => "Input",
            Node::Output { .. } => "Output",
            Node::Affine { .. } => "Affine",
            Node::Linear { .. } => "Linear",
            Node::Conv2d { .. } => "Conv2d",
            Node::Lif { .. } => "LIF",
            Node::If { .. } => "IF",
            Node::Threshold { .. } => "Threshold",
            Node::AvgPool2d { .. } => "AvgPool2d",
            Node::SumPool2d { .. } => "SumPool2d",
            Node::Flatten { .. } => "Flatten",
            Node::Other { kind } => kind,
        }
    }
}

/// A graph: named nodes (in file order) and directed edges `(from, to)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<(String, Node)>,
    pub edges: Vec<(String, String)>,
}

impl Graph {
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|(n, _)| n == name).map(|(_, node)| node)
    }

    /// Appends `node` as `name`, with an edge from the previously added node (a chain).
    pub fn chain(&mut self, name: impl Into<String>, node: Node) {
        let name = name.into();
        if let Some((last, _)) = self.nodes.last() {
            self.edges.push((last.clone(), name.clone()));
        }
        self.nodes.push((name, node));
    }
}
