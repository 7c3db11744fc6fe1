//! A [`Graph`] as the HDF5 file the `nir` Python package reads and writes (`nir.write` /
//! `nir.read`): `/version` (a string), `/node/type = "NIRGraph"`, `/node/edges` (`[n, 2]`
//! strings), and one group per node under `/node/nodes/<name>` holding its `type` and fields.
//! The format is read and written by the pure-Rust `hdf5-pure` crate, so this works in wasm too.

use super::graph::{Graph, Node, Tensor};
use crate::error::{Result, S3nnError};
use hdf5_pure::{Dataset, Datatype, File, FileBuilder, GroupBuilder, VlenStringReadOptions};

/// The NIR version written in `/version` (the `nir` package release the files are tested with).
pub const NIR_VERSION: &str = "1.0.8";

/// Largest number of elements one array of a NIR file may have (bounds what a corrupt shape
/// could make us allocate).
pub const MAX_ELEMENTS: usize = crate::spec::MAX_PARAMS;

/// Largest number of bytes one numeric array may take as stored: [`MAX_ELEMENTS`] values of 8
/// bytes (h5py writes numpy's float64 and int64 as they are).
const MAX_NUMBER_BYTES: u64 = MAX_ELEMENTS as u64 * 8;

/// Largest number of bytes one string field may take, as stored and as text: node types, and
/// the edge list (two node names per edge; a network has a few dozen).
const MAX_STRING_BYTES: u64 = 16 << 20;

fn bad(what: impl std::fmt::Display) -> S3nnError {
    S3nnError::Nir(what.to_string())
}

/// The graph as HDF5 bytes.
pub fn write(graph: &Graph) -> Result<Vec<u8>> {
    let mut file = FileBuilder::new();
    file.create_dataset("version").with_ascii_strings(&[NIR_VERSION]).map_err(fail)?.with_shape(&[]);
    let mut root = file.create_group("node");
    string(&mut root, "type", "NIRGraph")?;
    let flat: Vec<&str> = graph.edges.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
    root.create_dataset("edges").with_ascii_strings(&flat).map_err(fail)?.with_shape(&[graph.edges.len() as u64, 2]);
    let mut nodes = root.create_group("nodes");
    for (name, node) in &graph.nodes {
        let mut g = nodes.create_group(name);
        write_node(&mut g, node)?;
        nodes.add_group(g.finish());
    }
    root.add_group(nodes.finish());
    file.add_group(root.finish());
    file.finish().map_err(fail)
}

fn fail(e: impl std::fmt::Display) -> S3nnError {
    bad(format!("cannot write HDF5: {e}"))
}

fn string(g: &mut GroupBuilder, name: &str, value: &str) -> Result<()> {
    g.create_dataset(name).with_ascii_strings(&[value]).map_err(fail)?.with_shape(&[]);
    Ok(())
}

fn tensor(g: &mut GroupBuilder, name: &str, t: &Tensor) {
    let shape: Vec<u64> = t.shape.iter().map(|&d| d as u64).collect();
    g.create_dataset(name).with_f32_data(&t.data).with_shape(&shape);
}

fn ints(g: &mut GroupBuilder, name: &str, v: &[i64]) {
    g.create_dataset(name).with_i64_data(v);
}

fn int(g: &mut GroupBuilder, name: &str, v: i64) {
    g.create_dataset(name).with_i64_data(&[v]).with_shape(&[]);
}

fn shape_i64(s: &[usize]) -> Vec<i64> {
    s.iter().map(|&d| d as i64).collect()
}

fn write_node(g: &mut GroupBuilder, node: &Node) -> Result<()> {
    string(g, "type", node.kind())?;
    match node {
        Node::Input { shape } | Node::Output { shape } => ints(g, "shape", &shape_i64(shape)),
        Node::Affine { weight, bias } => {
            tensor(g, "weight", weight);
            tensor(g, "bias", bias);
        }
        Node::Linear { weight } => tensor(g, "weight", weight),
        Node::Conv2d { weight, bias, stride, padding, dilation, groups, input_shape } => {
            tensor(g, "weight", weight);
            tensor(g, "bias", bias);
            ints(g, "stride", stride);
            ints(g, "padding", padding);
            ints(g, "dilation", dilation);
            int(g, "groups", *groups);
            if let Some(s) = input_shape {
                ints(g, "input_shape", s);
            }
        }
        Node::Lif { tau, r, v_leak, v_threshold, v_reset } => {
            tensor(g, "tau", tau);
            tensor(g, "r", r);
            tensor(g, "v_leak", v_leak);
            tensor(g, "v_threshold", v_threshold);
            tensor(g, "v_reset", v_reset);
        }
        Node::If { r, v_threshold, v_reset } => {
            tensor(g, "r", r);
            tensor(g, "v_threshold", v_threshold);
            tensor(g, "v_reset", v_reset);
        }
        Node::Threshold { threshold } => tensor(g, "threshold", threshold),
        Node::AvgPool2d { kernel_size, stride, padding } | Node::SumPool2d { kernel_size, stride, padding } => {
            ints(g, "kernel_size", kernel_size);
            ints(g, "stride", stride);
            ints(g, "padding", padding);
        }
        Node::Flatten { start_dim, end_dim, input_type } => {
            int(g, "start_dim", *start_dim);
            int(g, "end_dim", *end_dim);
            if let Some(t) = input_type {
                ints(g, "input_type", &shape_i64(t));
            }
        }
        Node::Other { .. } => {}
    }
    Ok(())
}

/// Reads the graph of a NIR file. Checks the structure (a `NIRGraph` with nodes and edges) and the
/// fields of the node types s3nn reads; what the nodes mean is `import`'s business.
pub fn read(bytes: &[u8]) -> Result<Graph> {
    if bytes.len() > crate::io::MAX_FILE_BYTES {
        return Err(S3nnError::TooLarge(format!("NIR file of {} bytes (limit {})", bytes.len(), crate::io::MAX_FILE_BYTES)));
    }
    if !bytes.starts_with(b"\x89HDF\r\n\x1a\n") {
        return Err(bad("not an HDF5 file (a NIR graph is one; it starts with the bytes \\x89HDF)"));
    }
    let file = File::from_bytes(bytes.to_vec()).map_err(|e| bad(format!("not a readable HDF5 file: {e}")))?;
    let kind = read_string(&file, "node/type", "no /node/type: not a NIR graph file")?;
    if kind != "NIRGraph" {
        return Err(bad(format!("/node is a '{kind}', expected a NIRGraph")));
    }
    let names = file.group("node/nodes").and_then(|g| g.groups()).map_err(|e| bad(format!("/node/nodes: {e}")))?;
    let mut graph = Graph::default();
    for name in names {
        let node = read_node(&file, &format!("node/nodes/{name}")).map_err(|e| bad(format!("node '{name}': {}", message(&e))))?;
        graph.nodes.push((name, node));
    }
    let edges = file.dataset("node/edges").map_err(|e| bad(format!("/node/edges: {e}")))?;
    let shape = edges.shape().map_err(|e| bad(format!("/node/edges: {e}")))?;
    // The shape is checked before anything is read: a cut or forged file can declare any dims
    // (the fuzzer found one whose product overflows).
    if shape.len() != 2 || shape[1] != 2 || shape[0].checked_mul(2).is_none() {
        return Err(bad(format!("/node/edges has shape {shape:?}, expected [n, 2]")));
    }
    let flat = if shape[0] == 0 { Vec::new() } else { read_strings(&edges, "/node/edges")? };
    if flat.len() % 2 != 0 {
        return Err(bad(format!("/node/edges has shape {shape:?}, expected [n, 2]")));
    }
    graph.edges = flat.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    Ok(graph)
}

/// The text of an error without the "NIR: " its variant adds (nested messages name it once).
fn message(e: &S3nnError) -> String {
    match e {
        S3nnError::Nir(m) => m.clone(),
        other => other.to_string(),
    }
}

/// What reading `d` whole would allocate, checked against `max_bytes` before it is read. A file
/// declares its element size and chunk shape as freely as its shape, and a read materializes
/// what is declared, not what is stored: the fuzzer found a `stride` of two 1 GB integers in
/// chunks the file never wrote, which hdf5-pure fills with the fill value, 2 GB at once.
/// `what` names the dataset in the error.
fn check_storage(d: &Dataset, what: &str, max_bytes: u64) -> Result<()> {
    let element = d.element_size().map_err(|e| bad(format!("{what}: {e}")))?;
    let too_large = |dims: &[u64], of: &str| {
        let bytes = dims.iter().try_fold(element, |a, &s| a.checked_mul(s));
        match bytes {
            Some(b) if b <= max_bytes => Ok(()),
            _ => Err(S3nnError::TooLarge(format!(
                "{what}: {of} {dims:?} of {element}-byte elements (limit {max_bytes} bytes)"
            ))),
        }
    };
    too_large(&d.shape().map_err(|e| bad(format!("{what}: {e}")))?, "shape")?;
    if let Some(chunk) = d.chunk_shape().map_err(|e| bad(format!("{what}: {e}")))? {
        too_large(&chunk, "chunks of shape")?;
    }
    Ok(())
}

/// The strings of `d` (fixed- or variable-length), within [`MAX_STRING_BYTES`] as stored and as
/// text.
fn read_strings(d: &Dataset, what: &str) -> Result<Vec<String>> {
    check_storage(d, what, MAX_STRING_BYTES)?;
    let limits = VlenStringReadOptions::new()
        .with_max_elements(MAX_STRING_BYTES as usize)
        .with_max_payload_bytes(MAX_STRING_BYTES as usize);
    // A variable-length string's text lives elsewhere in the file (the global heap), so its
    // size is bounded by the read's own limits; a fixed-length one is what `check_storage` saw.
    let read = if matches!(d.datatype(), Ok(Datatype::VariableLength { .. })) { d.read_vlen_strings(limits) } else { d.read_string() };
    read.map_err(|e| bad(format!("{what}: {e}")))
}

/// The one string at `path`; `missing` is the error when there is no dataset there (one that is
/// there but unreadable or too large says so instead).
fn read_string(file: &File, path: &str, missing: &str) -> Result<String> {
    let d = file.dataset(path).map_err(|_| bad(missing))?;
    let v = read_strings(&d, path)?;
    match v.as_slice() {
        [s] => Ok(s.clone()),
        _ => Err(bad(format!("{path} holds {} strings, expected one", v.len()))),
    }
}

/// The dataset `field` of the node at `at`, its shape checked against [`MAX_ELEMENTS`] first.
fn dataset(file: &File, at: &str, field: &str) -> Result<(Dataset, Vec<usize>)> {
    let d = file.dataset(&format!("{at}/{field}")).map_err(|_| bad(format!("missing field '{field}'")))?;
    let shape = d.shape().map_err(|e| bad(format!("field '{field}': {e}")))?;
    let shape: Vec<usize> = shape.iter().map(|&s| usize::try_from(s).unwrap_or(usize::MAX)).collect();
    let n = shape.iter().try_fold(1usize, |a, &s| a.checked_mul(s));
    if n.is_none_or(|n| n > MAX_ELEMENTS) {
        return Err(S3nnError::TooLarge(format!("field '{field}' has shape {shape:?} (limit {MAX_ELEMENTS} elements)")));
    }
    check_storage(&d, &format!("field '{field}'"), MAX_NUMBER_BYTES)?;
    Ok((d, shape))
}

fn read_tensor(file: &File, at: &str, field: &str) -> Result<Tensor> {
    let (d, shape) = dataset(file, at, field)?;
    let data = d.read_f32().map_err(|e| bad(format!("field '{field}' is not numbers: {e}")))?;
    if data.len() != shape.iter().product::<usize>() {
        return Err(bad(format!("field '{field}' has {} values for shape {shape:?}", data.len())));
    }
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        return Err(bad(format!("field '{field}' holds {} at index {i}", data[i])));
    }
    Ok(Tensor { shape, data })
}

fn read_ints(file: &File, at: &str, field: &str) -> Result<Vec<i64>> {
    let (d, _) = dataset(file, at, field)?;
    d.read_i64().map_err(|e| bad(format!("field '{field}' is not integers: {e}")))
}

fn read_int(file: &File, at: &str, field: &str) -> Result<i64> {
    match read_ints(file, at, field)?.as_slice() {
        [v] => Ok(*v),
        v => Err(bad(format!("field '{field}' holds {} integers, expected one", v.len()))),
    }
}

/// A pair `[h, w]`; a single integer stands for both (as `nir` accepts `stride=1`).
fn read_pair(file: &File, at: &str, field: &str) -> Result<[i64; 2]> {
    match read_ints(file, at, field)?.as_slice() {
        [v] => Ok([*v, *v]),
        [h, w] => Ok([*h, *w]),
        v => Err(bad(format!("field '{field}' holds {} integers, expected 2", v.len()))),
    }
}

fn read_shape(file: &File, at: &str, field: &str) -> Result<Vec<usize>> {
    read_ints(file, at, field)?
        .into_iter()
        .map(|d| usize::try_from(d).map_err(|_| bad(format!("field '{field}' has a negative dimension {d}"))))
        .collect()
}

fn has(file: &File, at: &str, field: &str) -> bool {
    file.dataset(&format!("{at}/{field}")).is_ok()
}

fn read_node(file: &File, at: &str) -> Result<Node> {
    let kind = read_string(file, &format!("{at}/type"), "no 'type'")?;
    let t = |f: &str| read_tensor(file, at, f);
    // v_reset is optional in files (nir.read fills zeros like v_threshold's).
    let reset = |thr: &Tensor| if has(file, at, "v_reset") { t("v_reset") } else { Ok(Tensor::full(&thr.shape, 0.0)) };
    Ok(match kind.as_str() {
        "Input" => Node::Input { shape: read_shape(file, at, "shape")? },
        "Output" => Node::Output { shape: read_shape(file, at, "shape")? },
        "Affine" => Node::Affine { weight: t("weight")?, bias: t("bias")? },
        "Linear" => Node::Linear { weight: t("weight")? },
        "Conv2d" => Node::Conv2d {
            weight: t("weight")?,
            bias: t("bias")?,
            stride: read_pair(file, at, "stride")?,
            padding: read_pair(file, at, "padding")?,
            dilation: read_pair(file, at, "dilation")?,
            groups: read_int(file, at, "groups")?,
            input_shape: if has(file, at, "input_shape") { Some(read_pair(file, at, "input_shape")?) } else { None },
        },
        "LIF" => {
            let v_threshold = t("v_threshold")?;
            Node::Lif { tau: t("tau")?, r: t("r")?, v_leak: t("v_leak")?, v_reset: reset(&v_threshold)?, v_threshold }
        }
        "IF" => {
            let v_threshold = t("v_threshold")?;
            Node::If { r: t("r")?, v_reset: reset(&v_threshold)?, v_threshold }
        }
        "Threshold" => Node::Threshold { threshold: t("threshold")? },
        "AvgPool2d" | "SumPool2d" => {
            let (kernel_size, stride, padding) = (read_pair(file, at, "kernel_size")?, read_pair(file, at, "stride")?, read_pair(file, at, "padding")?);
            if kind == "AvgPool2d" {
                Node::AvgPool2d { kernel_size, stride, padding }
            } else {
                Node::SumPool2d { kernel_size, stride, padding }
            }
        }
        "Flatten" => Node::Flatten {
            start_dim: read_int(file, at, "start_dim")?,
            end_dim: read_int(file, at, "end_dim")?,
            input_type: if has(file, at, "input_type") { Some(read_shape(file, at, "input_type")?) } else { None },
        },
        _ => Node::Other { kind },
    })
}
