// Must NOT type-check: a misspelled config key is an error in TypeScript, as it is at run time
// (`new Network` throws "unknown key 'neuronn'"). tests/ts/typescript.test.mjs expects tsc to
// reject exactly the lines marked below.
import { Network } from '../../pkg/s3nn.js';

new Network({ arch: '2-16-2', neuronn: 'relu' }); // error: neuronn
Network.load(new Uint8Array(0), { lrr: 0.1 }); // error: lrr
