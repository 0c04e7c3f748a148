// Imported first by main.ts. Storage work (open, write, fdatasync, rename) runs on libuv's thread
// pool, whose default of 4 threads serialises the fsyncs of concurrent pushes. The size is read
// when the pool first starts, so it must be set before any module does asynchronous I/O.
process.env['UV_THREADPOOL_SIZE'] ??= '32';
