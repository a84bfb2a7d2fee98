/**
 * Every module that registers parallel tasks, imported by each worker so that it knows every task by name.
 * Add a kernel module here when it starts calling `registerTask`.
 */
import './builtin-tasks.js';
import '../fft/nd.js';
import '../linalg/factor.js';
import '../linalg/kernels/gemm-parallel.js';
import '../linalg/spectral.js';
import '../nn/kernels/conv2d-parallel.js';
import '../operators/pinv/tasks.js';
