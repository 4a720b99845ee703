// run_screen: the queries cut into blocks (and the points into ranges when there are fewer blocks
// than threads), each (block, range) task swept by the instruction set's kernel on the pool's
// threads, then every block's candidates filtered against its final thresholds.
//
// A task keeps, per query, the k smallest costs it has seen (a max-heap) and the threshold they
// give: the k-th smallest plus twice the bound, rounded up to the cost dtype. Thresholds only
// fall, so a pair under the final one was under every earlier one and was kept on the way.
#include "screen.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

#include "../kernels/table.hpp"
#include "../thread_pool.hpp"

namespace argreduce::nearest {
namespace {

constexpr int64_t kBlockBytes = int64_t(1) << 20;   // a block's packed queries: read once per chunk
constexpr int64_t kChunkBytes = int64_t(256) << 10;  // a chunk of point panels: stays in L2
constexpr int64_t kChunkPanels = 16;                 // and at most 16 panels of it
constexpr int64_t kHeapEntries = int64_t(1) << 22;   // per task: block queries x k costs
constexpr int64_t kSplitQueries = 8;                 // micro-panels per thread before queries are split

template <class T>
struct Hit {
    int32_t q;  // in the block (a block has fewer than 2^31 queries)
    T g;
    int64_t j;  // point
};

template <class T>
struct Task {
    int64_t block = 0, range = 0;
    int64_t q_begin = 0, nq = 0, k = 0;
    const double* B = nullptr;
    std::vector<T> heap;  // nq x k: each query's k smallest costs so far, a max-heap (kernel.hpp keeps it)
    std::vector<int64_t> count;  // k each: the heap starts full of +inf, which the merge passes over
    std::vector<T> thr;
    std::vector<Hit<T>> hits;
    size_t compact_at = 4096;

    void emit(int64_t q, int64_t j, T g) {
        hits.push_back({static_cast<int32_t>(q), g, j});
        if (hits.size() >= compact_at) compact();
    }

    // Drops the hits that the thresholds have since passed by: keeps memory near the final count.
    void compact() {
        hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const Hit<T>& h) { return !(h.g <= thr[h.q]); }),
                   hits.end());
        compact_at = std::max<size_t>(compact_at, 2 * hits.size());
    }
};

int64_t round_up(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

}  // namespace

template <class T>
const ScreenFns<T>& screen_fns() {
    if constexpr (std::is_same_v<T, float>)
        return kernels().screen.f32;
    else
        return kernels().screen.f64;
}

template <class T>
Status run_screen(const ScreenRequest<T>& r, std::vector<int64_t>& rows, std::vector<int64_t>& cols) {
    const ScreenFns<T>& fns = screen_fns<T>();
    const int64_t mr = fns.mr, width = fns.width;
    const int threads = std::max(1, r.threads);
    const int64_t k = std::max<int64_t>(1, r.k);
    const int64_t row_bytes = std::max<int64_t>(1, r.dp) * static_cast<int64_t>(sizeof(T));
    // Queries per block: as many as kBlockBytes and kHeapEntries allow, at least one micro-panel,
    // and few enough that every thread gets a block when there are queries to go round.
    int64_t mc = std::max(mr, kBlockBytes / row_bytes / mr * mr);
    mc = std::min(mc, std::max(mr, kHeapEntries / k / mr * mr));
    if (r.n >= threads * kSplitQueries * mr)  // enough queries: every thread takes blocks of them
        mc = std::min(mc, round_up((r.n + threads - 1) / threads, mr));
    else  // few: one block, whose points the threads split (each point read once)
        mc = std::min(mc, round_up(r.n, mr));
    mc = std::max(mc, mr);
    const int64_t blocks = (r.n + mc - 1) / mc;
    const int64_t panels = (r.m + width - 1) / width;
    // Fewer blocks than threads: each block's points are split into ranges, one task each.
    const int64_t ranges = blocks >= threads ? 1 : std::min<int64_t>(panels, (threads + blocks - 1) / blocks);
    const int64_t per_range = (panels + ranges - 1) / ranges;
    const int64_t chunk = std::clamp<int64_t>(kChunkBytes / (row_bytes * width), 1, kChunkPanels);

    std::vector<Task<T>> tasks(static_cast<size_t>(blocks * ranges));
    std::atomic<int64_t> next{0};
    std::atomic<bool> stop{false};
    auto run_task = [&](Task<T>& t) {
        std::vector<T> packed(static_cast<size_t>(round_up(t.nq, mr) * r.dp));
        fns.pack_queries(r.xs + t.q_begin * r.dp, t.nq, r.dp, packed.data());
        Sweep<T> s{packed.data(), t.nq, r.panels, r.m, t.range * per_range,
                   std::min(panels, (t.range + 1) * per_range), r.dp, chunk, k, t.thr.data(), t.heap.data(),
                   r.B + t.q_begin,
                   [](void* ctx, int64_t q, int64_t j, T g) { static_cast<Task<T>*>(ctx)->emit(q, j, g); }, &t};
        if (s.p0 < s.p1) fns.sweep(s);
    };
    auto work = [&](int worker) {
        for (;;) {
            if (stop.load(std::memory_order_relaxed)) return;
            if (worker == 0 && r.interrupted && r.interrupted()) {
                stop = true;
                return;
            }
            const int64_t i = next.fetch_add(1);
            if (i >= static_cast<int64_t>(tasks.size())) return;
            Task<T>& t = tasks[static_cast<size_t>(i)];
            t.block = i / ranges;
            t.range = i % ranges;
            t.q_begin = t.block * mc;
            t.nq = std::min(mc, r.n - t.q_begin);
            t.k = k;
            t.B = r.B;
            t.heap.assign(static_cast<size_t>(t.nq * k), std::numeric_limits<T>::infinity());
            t.count.assign(static_cast<size_t>(t.nq), k);
            t.thr.assign(static_cast<size_t>(t.nq), std::numeric_limits<T>::infinity());
            run_task(t);
        }
    };
    // An exception on a worker (std::bad_alloc) must not escape its thread: the first one is kept,
    // the others stop, and the calling thread rethrows it (nanobind makes it a MemoryError).
    std::exception_ptr failure;
    std::mutex failure_lock;
    auto job = [&](int worker) {
        try {
            work(worker);
        } catch (...) {
            std::lock_guard<std::mutex> g(failure_lock);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    parallel_run(
        static_cast<int>(std::min<int64_t>(threads, static_cast<int64_t>(tasks.size()))), job,
        [&] {
            if (r.interrupted && r.interrupted()) stop = true;
        });
    if (failure) std::rethrow_exception(failure);
    if (stop) return Status::Interrupted;

    // The final threshold of each query: the k-th smallest cost of all its ranges' heaps together.
    std::vector<T> pooled;
    std::vector<T> final_thr;
    for (int64_t b = 0; b < blocks; ++b) {
        Task<T>* first = &tasks[static_cast<size_t>(b * ranges)];
        const int64_t nq = first->nq;
        final_thr.assign(static_cast<size_t>(nq), std::numeric_limits<T>::infinity());
        for (int64_t q = 0; q < nq; ++q) {
            pooled.clear();
            for (int64_t g = 0; g < ranges; ++g) {
                const Task<T>& t = first[g];
                const T* h = t.heap.data() + q * k;
                pooled.insert(pooled.end(), h, h + t.count[q]);
            }
            if (static_cast<int64_t>(pooled.size()) < k) continue;  // fewer than k points: keep all
            std::nth_element(pooled.begin(), pooled.begin() + (k - 1), pooled.end());
            final_thr[q] = threshold<T>(pooled[k - 1], r.B[first->q_begin + q]);
        }
        for (int64_t g = 0; g < ranges; ++g) {
            Task<T>& t = first[g];
            for (const Hit<T>& h : t.hits)
                if (h.g <= final_thr[h.q]) {
                    rows.push_back(t.q_begin + h.q);
                    cols.push_back(h.j);
                }
            std::vector<Hit<T>>().swap(t.hits);
            std::vector<T>().swap(t.heap);
        }
    }
    return Status::Ok;
}

template const ScreenFns<float>& screen_fns<float>();
template const ScreenFns<double>& screen_fns<double>();
template Status run_screen<float>(const ScreenRequest<float>&, std::vector<int64_t>&, std::vector<int64_t>&);
template Status run_screen<double>(const ScreenRequest<double>&, std::vector<int64_t>&, std::vector<int64_t>&);

}  // namespace argreduce::nearest
