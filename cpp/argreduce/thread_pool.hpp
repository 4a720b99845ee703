// A persistent pool of worker threads (starting a thread costs 50-80 us here, more than a whole
// small reduction). The calling thread takes part as worker 0.
#pragma once
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>

namespace argreduce {

// Runs job(t) for t in [0, n), t = 0 on the calling thread, and returns when all are done. While
// it waits, the calling thread calls poll() every few milliseconds (to notice Ctrl-C). If another
// caller holds the pool, the jobs run one after another on this thread instead of waiting.
void parallel_run(int n, const std::function<void(int)>& job, const std::function<void()>& poll);

// fn(i, worker) for every i in [0, count), the tasks taken in turn by up to `threads` workers
// (worker 0: the calling thread). `interrupted` (may be empty) is polled between tasks by worker
// 0 and by the waiting caller; once it says so, or once `stop` is set, no task starts. Returns
// false if it stopped early. An exception on a worker (std::bad_alloc) must not escape its thread:
// the first one is kept, the others stop, and it is rethrown here (nanobind makes it a MemoryError).
template <class Fn>
bool for_each_task(int threads, int64_t count, const std::function<bool()>& interrupted, std::atomic<bool>& stop,
                   Fn&& fn) {
    std::atomic<int64_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_lock;
    auto job = [&](int worker) {
        try {
            for (;;) {
                if (stop.load(std::memory_order_relaxed)) return;
                if (worker == 0 && interrupted && interrupted()) {
                    stop = true;
                    return;
                }
                const int64_t i = next.fetch_add(1);
                if (i >= count) return;
                fn(i, worker);
            }
        } catch (...) {
            std::lock_guard<std::mutex> g(failure_lock);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    const int64_t workers = threads < 1 ? 1 : (count < threads ? count : threads);
    parallel_run(static_cast<int>(workers < 1 ? 1 : workers), job, [&] {
        if (interrupted && interrupted()) stop = true;
    });
    if (failure) std::rethrow_exception(failure);
    return !stop;
}

}  // namespace argreduce
