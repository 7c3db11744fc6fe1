//! Hostile input through the public Rust API (issue #15, build item 6): random specs, batches and
//! arguments never panic, a request too large for the limits is `TooLarge`, and refusing it
//! allocates next to nothing. The allocator below measures the peak live bytes of the calling
//! thread, so the refused requests are held to "no huge allocation", not only to "no panic".
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use s3nn::data::fashion::fashion_from_class_json_with;
use s3nn::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct PeakPerThread;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    // try_with: the allocator also runs while a thread's locals are being torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(bytes);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(bytes: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

unsafe impl GlobalAlloc for PeakPerThread {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        shrank(l.size());
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        shrank(l.size());
        grew(n);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: PeakPerThread = PeakPerThread;

/// Runs `f` and returns its result with the most bytes it had allocated at once on this thread
/// (beyond what was live before).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(Cell::get) - base)
}

const MB: usize = 1 << 20;

fn too_large<T: std::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(e @ S3nnError::TooLarge(_)) => e.to_string(),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

fn lif(steps: usize) -> NeuronModel {
    NeuronModel::from_name("lif", None, None, None, Some(steps), None).unwrap()
}

fn small_net(arch: &str, neuron: NeuronModel) -> Model {
    Model::new(NetworkSpec::parse(arch, neuron).unwrap(), 1).unwrap()
}

#[test]
fn the_peak_meter_sees_an_allocation_and_its_release() {
    // Guards the tool the other tests lean on: a 10 MB buffer shows as ≥ 10 MB, and nothing after.
    let ((), peak) = peak_of(|| drop(std::hint::black_box(vec![1u8; 10 * MB])));
    assert!(peak >= 10 * MB, "{peak}");
    let ((), after) = peak_of(|| ());
    assert!(after < 1024, "{after}");
}

// ------------------------------------------------------------ the cases issue #15 names

#[test]
fn the_architectures_of_issue_15_are_clean_errors_that_allocate_nothing_big() {
    for arch in [
        "1x28x28-c1k4294967296p2147483648-10",
        "2-18446744073709551615",
        "2-4294967295",
        "1x28x28-c1k1p4611686018427387904-10",
        "18446744073709551615x2x2-c1-10",
    ] {
        let (r, peak) = peak_of(|| NetworkSpec::parse(arch, NeuronModel::default()).and_then(|s| Model::new(s, 1)));
        let msg = too_large(r);
        assert!(peak < MB, "{arch}: {peak} bytes to refuse ({msg})");
    }
}

#[test]
fn the_wide_conv_of_issue_15_is_refused_before_allocating_its_batch() {
    // 344 k parameters, 25.7 MB of activations per sample: 1000 samples asked for 25.7 GB.
    let mut net = small_net("1x28x28-c8192k1p0-mp14-10", NeuronModel::default());
    let x = vec![0.5f32; 1000 * 784];
    let (r, peak) = peak_of(|| net.predict(&x, 1000));
    let msg = too_large(r);
    assert!(msg.contains("MAX_WORKING_BYTES"), "{msg}");
    assert!(peak < MB, "{peak} bytes to refuse");
    let (r, peak) = peak_of(|| net.inspect(&x, 1000, &EnergyModel::default()));
    too_large(r);
    assert!(peak < MB, "{peak} bytes to refuse");
}

// Found by the fuzz smoke (spec_string): a conv layer built an im2col coverage count per input
// value in Model::new, so `14444x2825x28-c16-10` (2 M conv weights) asked for a 4.57 GB table
// before any pass reached the memory budget; a per-axis table was still 1.5 TB for the
// 184 467 440 728 rows of the second spec. The table is per axis now and built at the first
// forward, after the budget admitted the pass.
#[test]
fn a_conv_on_a_huge_input_builds_without_an_input_sized_table() {
    for arch in ["14444x2825x28-c16-10", "3x184467440728x2816-c16-mp-c1655s3709516161-100"] {
        let (net, peak) = peak_of(|| NetworkSpec::parse(arch, NeuronModel::default()).and_then(|s| Model::new(s, 1)));
        match net {
            // Weights, gradients and Adam's two moments: 4 f32 per parameter, plus a little.
            Ok(net) => {
                let params = net.parameter_count() * 4 * 4;
                assert!(peak < params + 16 * MB, "{arch}: {peak} bytes to build, parameters need {params}");
            }
            Err(e) => assert!(peak < MB, "{arch}: {peak} bytes to refuse ({e})"),
        }
    }
}

#[test]
fn predict_with_a_sample_count_that_wraps_is_refused() {
    // In wasm n = 2^30 + 1 wrapped n·features and n·steps; on 64 bits 2^62 + 1 does the same.
    let mut net = small_net("4-3-2", lif(4));
    for n in [(1usize << 30) + 1, (1 << 62) + 1, usize::MAX] {
        let (r, peak) = peak_of(|| net.predict(&[0.5; 4], n));
        assert!(matches!(r, Err(S3nnError::Shape(_) | S3nnError::TooLarge(_))), "{n}: {r:?}");
        assert!(peak < MB, "{n}: {peak} bytes");
    }
}

#[test]
fn train_steps_with_minus_one_steps_is_refused_at_once() {
    let d = data::toy(data::ToyKind::Xor, 20, 0.1, 1).unwrap();
    let mut t = Trainer::new(small_net("2-8-2", NeuronModel::default()), OptimizerSpec::default(), 1).unwrap();
    let start = std::time::Instant::now();
    let msg = too_large(t.train_steps(&d, 4_294_967_295, 16));
    assert!(msg.contains("MAX_STEPS_PER_CALL"), "{msg}");
    assert!(start.elapsed().as_secs() < 1);
}

#[test]
fn fashion_json_of_empty_entries_costs_about_its_own_size() {
    // Issue #15 defect 7: every entry reserved 784 bytes (9 MB of "[]," reached 2.5 GB).
    let entries = 1_000_000;
    let empties = format!("{{\"data\":[{}[]]}}", "[],".repeat(entries - 1)).into_bytes();
    let image = format!("[1{}]", ",0".repeat(783));
    let small = format!("{{\"data\":[{image},{image},{image}]}}").into_bytes();
    for serde_path in [false, true] {
        let mut file = empties.clone();
        if serde_path {
            // A float pixel in the last entry: the fast scanner defers the whole file to serde.
            file.truncate(file.len() - 2);
            file.extend_from_slice(b",[1.0]]}");
        }
        let mut files = vec![small.clone(); 10];
        files[3] = file;
        let refs: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let (r, peak) = peak_of(|| fashion_from_class_json_with(&refs, 2));
        assert!(r.is_err());
        assert!(peak < MB, "serde path {serde_path}: {peak} bytes for {entries} empty entries ({} MB of JSON)", empties.len() / MB);
    }
}

// ------------------------------------------------------------ random input

/// Numbers a hostile caller would try: small ones, and the edges of 32 and 64 bits.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..6,
        4 => 1u64..40,
        1 => prop::sample::select(vec![
            255, 256, 65_535, 65_536, (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32, (1 << 32) + 1,
            1 << 53, (1 << 62) + 1, 1 << 63, u64::MAX,
        ]),
    ]
}

fn layer_token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => number().prop_map(|n| n.to_string()),
        3 => (number(), prop::option::of(number()), prop::option::of(number()), prop::option::of(number())).prop_map(|(c, k, s, p)| {
            let mut t = format!("c{c}");
            for (tag, v) in [('k', k), ('s', s), ('p', p)] {
                if let Some(v) = v {
                    t.push_str(&format!("{tag}{v}"));
                }
            }
            t
        }),
        2 => prop::option::of(number()).prop_map(|s| s.map_or("mp".to_string(), |s| format!("mp{s}"))),
        1 => "[a-z0-9xkps]{0,6}",
    ]
}

fn arch() -> impl Strategy<Value = String> {
    let input = prop_oneof![
        number().prop_map(|n| n.to_string()),
        (number(), number(), number()).prop_map(|(c, h, w)| format!("{c}x{h}x{w}")),
    ];
    (input, prop::collection::vec(layer_token(), 0..4), number()).prop_map(|(i, hidden, classes)| {
        let mut parts = vec![i];
        parts.extend(hidden);
        parts.push(classes.to_string());
        parts.join("-")
    })
}

fn neuron() -> impl Strategy<Value = NeuronModel> {
    prop_oneof![
        Just(NeuronModel::default()),
        Just(NeuronModel::Relu),
        (1usize..5).prop_map(lif),
        (0usize..100).prop_map(|steps| NeuronModel::MultiStep { steps, leak: 0.9, threshold: 1.0, surrogate: Surrogate::default() }),
    ]
}

/// Networks small enough to run a pass on in a test (the rest are only validated and budgeted).
fn runnable(spec: &NetworkSpec) -> bool {
    budget::cost(spec, budget::PassKind::Train).is_ok_and(|c| c.fixed < 8 * MB as u64 && c.per_sample < MB as u64)
}

proptest! {
    // No failure files: a failing case is printed, minimal, in the test output.
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_architectures_are_built_or_refused_without_panicking(arch in arch(), neuron in neuron(), n in 0usize..4, train in any::<bool>()) {
        let (spec, peak) = peak_of(|| NetworkSpec::parse(&arch, neuron));
        prop_assert!(peak < MB, "{arch}: {peak} bytes to parse");
        let Ok(spec) = spec else { return Ok(()) };
        // A spec that parses has a cost, and one sample of it either fits or is TooLarge.
        let cost = budget::cost(&spec, budget::PassKind::Infer).unwrap();
        if let Err(e) = budget::check_pass(&spec, 1, budget::PassKind::Infer, "test") {
            prop_assert!(matches!(e, S3nnError::TooLarge(_)) && cost.max_samples() == 0, "{arch}: {e}");
        }
        if !runnable(&spec) {
            return Ok(());
        }
        let mut net = Model::new(spec, 3).unwrap();
        let x = vec![0.25f32; n * net.features()];
        match net.forward(&x, n, train) {
            Ok(logits) => prop_assert_eq!(logits.len(), n * net.classes()),
            Err(e) => prop_assert!(n == 0 || matches!(e, S3nnError::Diverged(_)), "{arch}: {e}"),
        }
        if n > 0 {
            let _ = net.inspect(&x, n, &EnergyModel::default());
        }
    }

    #[test]
    fn random_spec_json_is_built_or_refused_without_panicking(
        input in (number(), number(), number()),
        layers in prop::collection::vec((0u8..3, number(), number(), number(), number()), 0..3),
        classes in number(),
        bn in any::<bool>(),
    ) {
        let layer = |&(kind, a, b, c, d): &(u8, u64, u64, u64, u64)| match kind {
            0 => format!(r#"{{"type":"dense","units":{a}}}"#),
            1 => format!(r#"{{"type":"conv","channels":{a},"kernel":{b},"stride":{c},"padding":{d}}}"#),
            _ => format!(r#"{{"type":"maxPool","size":{a}}}"#),
        };
        let json = format!(
            r#"{{"input":[{},{},{}],"hidden":[{}],"classes":{classes},"batchNorm":{bn}}}"#,
            input.0, input.1, input.2,
            layers.iter().map(layer).collect::<Vec<_>>().join(",")
        );
        // serde rejects numbers beyond usize; whatever it accepts must validate or be refused.
        let Ok(spec) = serde_json::from_str::<NetworkSpec>(&json) else { return Ok(()) };
        let (r, peak) = peak_of(|| spec.validate());
        prop_assert!(peak < MB, "{json}: {peak} bytes to validate");
        if r.is_ok() && runnable(&spec) {
            let mut net = Model::new(spec, 1).unwrap();
            let x = vec![1.0f32; net.features()];
            let _ = net.predict(&x, 1);
        }
    }

    #[test]
    fn random_batches_and_arguments_never_panic(
        neuron in neuron(),
        n in prop_oneof![0usize..70_000, Just(usize::MAX), Just((1usize << 62) + 1)],
        len in 0usize..64,
        fill in prop_oneof![Just(0.5f32), Just(f32::NAN), Just(f32::INFINITY), Just(-1e30f32)],
        steps in prop_oneof![6 => 0usize..4, 1 => Just(train::MAX_STEPS_PER_CALL + 1), 1 => Just(usize::MAX)],
        batch in prop_oneof![6 => 0usize..40, 1 => Just(train::MAX_BATCH + 1), 1 => Just(usize::MAX)],
        limit in prop::option::of(prop_oneof![0usize..50, Just(usize::MAX)]),
    ) {
        let Ok(spec) = NetworkSpec::parse("2-6-3", neuron) else { return Ok(()) };
        let mut net = Model::new(spec, 1).unwrap();
        let x = vec![fill; len];
        let (r, peak) = peak_of(|| net.predict(&x, n));
        if let Ok(p) = &r {
            prop_assert_eq!(p.len(), n);
            prop_assert_eq!(len, 2 * n);
        } else {
            prop_assert!(peak < 4 * MB, "n {n}: {peak} bytes to refuse");
        }
        if n.checked_mul(2) != Some(len) {
            prop_assert!(r.is_err());
        }
        let _ = net.inspect(&x, n, &EnergyModel::default());
        let d = data::toy(data::ToyKind::Blobs, 30, 0.1, 1).unwrap();
        let _ = evaluate(&mut net, &d, batch, limit, &EnergyModel::default());
        let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
        match t.train_steps(&d, steps, batch) {
            Ok(stats) => prop_assert_eq!(stats.steps, steps),
            Err(e) if steps > train::MAX_STEPS_PER_CALL => prop_assert!(matches!(e, S3nnError::TooLarge(_))),
            Err(e) => prop_assert!(matches!(e, S3nnError::Config(_) | S3nnError::Diverged(_)), "{e}"),
        }
    }

    #[test]
    fn random_csv_text_is_read_or_refused_without_panicking(
        bom in any::<bool>(),
        rows in prop::collection::vec(("[-0-9.eE]{0,5}|nan|inf|1e99", "[-0-9.]{0,4}", "[0-9]{0,5}|-1|x"), 0..20),
        header in any::<bool>(),
    ) {
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        if header {
            text.push_str("x,y,label\n");
        }
        for (a, b, c) in &rows {
            text.push_str(&format!("{a},{b},{c}\n"));
        }
        if let Ok(d) = data::points_from_csv(&text) {
            prop_assert!(d.classes >= 2 && d.x.iter().all(|v| v.is_finite()));
            prop_assert!(d.y.iter().all(|&y| (y as usize) < d.classes));
        }
    }

    #[test]
    fn random_datasets_and_their_operations_never_panic(
        shape in (number(), number(), number()),
        classes in number(),
        rows in 0usize..6,
        fill in prop_oneof![Just(0.5f32), Just(f32::NAN), Just(f32::NEG_INFINITY)],
        label in 0u32..5,
        fraction in prop_oneof![Just(0.5f32), Just(0.0), Just(1.0), Just(f32::NAN), Just(-3.0)],
        indices in prop::collection::vec(prop_oneof![0usize..8, Just(usize::MAX)], 0..6),
        take in prop_oneof![0usize..8, Just(usize::MAX)],
    ) {
        let dims = [shape.0, shape.1, shape.2].map(|d| usize::try_from(d).unwrap_or(usize::MAX));
        // Only allocate values for a shape that is small; the others must be refused by size alone.
        let features = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).filter(|&f| f <= 4096);
        let x = vec![fill; features.map_or(1, |f| f * rows)];
        let classes = usize::try_from(classes).unwrap_or(usize::MAX);
        let (r, peak) = peak_of(|| Dataset::new("random", dims, classes, x.clone(), vec![label; rows]));
        // (up to MAX_CLASSES class names, ~2 MB, are a legitimate cost)
        prop_assert!(peak < 4 * MB, "{dims:?}: {peak} bytes");
        let Ok(d) = r else { return Ok(()) };
        prop_assert!(d.x.iter().all(|v| v.is_finite()) && d.y.iter().all(|&y| (y as usize) < d.classes));
        let _ = d.split(fraction, 1);
        if let Ok(s) = d.subset(&indices) {
            prop_assert_eq!(s.len(), indices.len());
        }
        prop_assert_eq!(d.take(take).len(), take.min(d.len()));
    }
}
