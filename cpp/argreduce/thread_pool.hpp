// A persistent pool of worker threads (starting a thread costs 50-80 us here, more than a whole
// small reduction). The calling thread takes part as worker 0.
#pragma once
#include <functional>

namespace argreduce {

// Runs job(t) for t in [0, n), t = 0 on the calling thread, and returns when all are done. While
// it waits, the calling thread calls poll() every few milliseconds (to notice Ctrl-C). If another
// caller holds the pool, the jobs run one after another on this thread instead of waiting.
void parallel_run(int n, const std::function<void(int)>& job, const std::function<void()>& poll);

}  // namespace argreduce
