//! Dense row → event list: the indices (and values) of the non-zero entries, in increasing order.
//! This is the portable version; ISAs with a lane-compress idiom override it (AVX2's movemask +
//! left-pack in `avx2.rs`), tested against this one.

/// Indices (and values) of the non-zero entries of `row`, in increasing order; returns how many.
/// Branch-free: every index is written and the cursor advances only past non-zeros, so `idx`
/// (and `val`) must hold `row.len()` entries; slots past the count are scratch. At MNIST's 19 %
/// input density an `if x != 0 { push }` loop mispredicts on most pixels; this one does not
/// branch on the data. `-0.0` counts as zero and NaN as non-zero (`x != 0.0`).
pub fn compact_nonzero(row: &[f32], idx: &mut [u32], mut val: Option<&mut [f32]>) -> usize {
    let mut c = 0usize;
    for (j, &x) in row.iter().enumerate() {
        idx[c] = j as u32;
        if let Some(v) = val.as_deref_mut() {
            v[c] = x;
        }
        c += usize::from(x != 0.0);
    }
    c
}
