//! `s3nn export --nir OUT --model FILE`: a saved model as a NIR graph.

use crate::args::ExportArgs;
use crate::inputs::read_model;
use crate::save::OutFile;
use crate::CliResult;

pub fn run(a: ExportArgs) -> CliResult<()> {
    let out = OutFile::check(&a.nir, a.force).map_err(|e| e.0.replace("--out", "--nir"))?;
    let net = read_model(&a.model)?;
    let bytes = s3nn::nir::to_nir(&net).map_err(|e| format!("{}: {e}", a.model.display()))?;
    out.write(&bytes)?;
    println!("wrote {} ({} bytes): NIR graph of {}", out.display(), bytes.len(), net.spec.arch_string());
    Ok(())
}
