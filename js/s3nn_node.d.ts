export * from './s3nn.js';
export { default } from './s3nn.js';
