//! After warm-up a training step allocates nothing: buffers live in the layers and are reused.
//! Counted with a global allocator wrapper, so it covers every thread and dependency.
#![cfg(not(target_arch = "wasm32"))]

use s3nn::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_allocate_nothing_after_warm_up() {
    // With the `parallel` feature, pin rayon to one thread: its scheduler (job queues, and which
    // worker first meets a larger chunk) may allocate now and then, which is rayon's business;
    // what this test checks is that the engine's own buffers are reused.
    // The pool's worker thread allocates while it starts up; wait until it has run something so
    // that those allocations cannot fall into the measured window.
    #[cfg(feature = "parallel")]
    {
        rayon::ThreadPoolBuilder::new().num_threads(1).build_global().ok();
        rayon::broadcast(|_| ());
    }
    let cases: [(&str, &str, [usize; 3], bool); 5] = [
        ("64-48-32-10", "s3nn", [64, 1, 1], false),
        ("64-48-32-10", "lif", [64, 1, 1], false),
        ("64-48-10", "bnn", [64, 1, 1], true),
        ("1x8x8-c4-mp-c6k3s2p1-12-10", "s3nn", [1, 8, 8], false),
        ("1x8x8-c4-mp-16-10", "relu", [1, 8, 8], true),
    ];
    for (arch, neuron, shape, bn) in cases {
        let mut rng = rng::Rng::new(1);
        let n = 256;
        let x: Vec<f32> = (0..n * 64).map(|_| if rng.uniform() < 0.3 { rng.uniform() } else { 0.0 }).collect();
        let y: Vec<u32> = (0..n).map(|i| (i % 10) as u32).collect();
        let data = Dataset::new("synthetic", shape, 10, x, y).unwrap();
        let mut spec = NetworkSpec::parse(arch, NeuronModel::from_name(neuron, None, None, None, None, None).unwrap()).unwrap();
        spec.batch_norm = bn;
        // Batch 128 is cut into 4 shards (see s3nn::shards): on one thread the layers group
        // their gradient sums, in buffers of their own that must be reused too.
        for batch in [32, 128] {
            let mut t = Trainer::new(
                Model::new(spec.clone(), 1).unwrap(),
                OptimizerSpec::default(),
                1,
            )
            .unwrap();
            for _ in 0..10 {
                t.step(&data, batch).unwrap();
            }
            let before = ALLOCS.load(Ordering::SeqCst);
            for _ in 0..16 {
                t.step(&data, batch).unwrap();
            }
            let allocs = ALLOCS.load(Ordering::SeqCst) - before;
            assert_eq!(
                allocs, 0,
                "{arch} {neuron} bn={bn} batch {batch}: {allocs} allocations in 16 steps"
            );
        }
    }
}
