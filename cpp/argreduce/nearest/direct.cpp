// run_direct: the points cut into ranges taken by the pool's threads; each thread keeps, per query,
// the k smallest costs it has seen (a max-heap) and the threshold they give (direct.hpp), and the
// pairs under it. At the end the thresholds of all threads are pooled per query into the final
// one, and only the pairs under it are returned. Thresholds only fall, so a pair under the final
// threshold was under every earlier one and was kept on the way.
#include "direct.hpp"

#include <algorithm>
#include <atomic>

#include "../kernels/table.hpp"
#include "../thread_pool.hpp"

namespace argreduce::nearest {
namespace {

// Points per task: a few milliseconds of work, so Ctrl-C is noticed and the threads share the tail.
constexpr int64_t kTaskValues = int64_t(1) << 20;

template <class T>
struct Worker {
    int64_t k = 1;
    double g = 0, a = 0;           // the bound's relative and absolute parts
    std::vector<T> heap;           // nq x k: each query's k smallest costs so far, a max-heap
    std::vector<int64_t> count;
    std::vector<T> thr;
    struct Hit {
        int64_t q, j;
        T c;
    };
    std::vector<Hit> hits;
    size_t compact_at = 4096;

    void rank(int64_t q, T c) {
        T* h = heap.data() + q * k;
        int64_t& n = count[static_cast<size_t>(q)];
        if (n < k) {
            h[n++] = c;
            std::push_heap(h, h + n);
        } else if (c < h[0]) {
            std::pop_heap(h, h + k);
            h[k - 1] = c;
            std::push_heap(h, h + k);
        } else {
            return;
        }
        if (n == k) thr[static_cast<size_t>(q)] = direct_threshold<T>(h[0], g, a);
    }

    // A group of costs with one under thr[q]: ranked first (which lowers thr[q]), then the pairs
    // still under it kept.
    static void hit(void* ctx, int64_t q, int64_t j, const T* costs, int n) {
        Worker& w = *static_cast<Worker*>(ctx);
        for (int i = 0; i < n; ++i)
            if (costs[i] <= w.thr[static_cast<size_t>(q)]) w.rank(q, costs[i]);
        const T t = w.thr[static_cast<size_t>(q)];
        for (int i = 0; i < n; ++i)
            if (costs[i] <= t) w.hits.push_back({q, j + i, costs[i]});
        if (w.hits.size() >= w.compact_at) w.compact();
    }

    // Drops the pairs that the thresholds have since passed by: memory stays near the final count.
    void compact() {
        hits.erase(std::remove_if(hits.begin(), hits.end(),
                                  [&](const Hit& h) { return !(h.c <= thr[static_cast<size_t>(h.q)]); }),
                   hits.end());
        compact_at = std::max<size_t>(compact_at, 2 * hits.size());
    }
};

}  // namespace

template <class T>
const DirectFns<T>& direct_fns() {
    if constexpr (std::is_same_v<T, float>)
        return kernels().direct.f32;
    else
        return kernels().direct.f64;
}

template <class T>
Status run_direct(const DirectRequest<T>& r, std::vector<int64_t>& rows, std::vector<int64_t>& cols, bool& finite) {
    const DirectFns<T>& fns = direct_fns<T>();
    const int64_t k = std::max<int64_t>(1, r.k);
    const int64_t per_task = std::max<int64_t>(64, kTaskValues / std::max<int64_t>(1, r.d * r.nq) / 64 * 64);
    const int64_t tasks = (r.m + per_task - 1) / per_task;
    const int threads = static_cast<int>(std::clamp<int64_t>(r.threads, 1, std::max<int64_t>(1, tasks)));
    std::vector<Worker<T>> workers(static_cast<size_t>(threads));
    for (Worker<T>& w : workers) {
        w.k = k;
        w.g = direct_gamma<T>(r.d);
        w.a = direct_floor<T>(r.d);
        w.heap.assign(static_cast<size_t>(r.nq * k), std::numeric_limits<T>::infinity());
        w.count.assign(static_cast<size_t>(r.nq), 0);
        w.thr.assign(static_cast<size_t>(r.nq), std::numeric_limits<T>::infinity());
    }
    std::atomic<bool> stop{false}, all_finite{true};
    const bool done = for_each_task(threads, tasks, r.interrupted, stop, [&](int64_t t, int worker) {
        Worker<T>& w = workers[static_cast<size_t>(worker)];
        DirectScan<T> s{r.queries, r.nq, r.d, r.points, r.stride, t * per_task, std::min(r.m, (t + 1) * per_task),
                        w.thr.data(), &Worker<T>::hit, &w, true};
        fns.scan(s);
        if (!s.finite) all_finite = false;
    });
    if (!done) return Status::Interrupted;
    finite = all_finite;

    // The final threshold of each query: the k-th smallest cost of all the threads' heaps together.
    std::vector<T> pooled, final_thr(static_cast<size_t>(r.nq), std::numeric_limits<T>::infinity());
    for (int64_t q = 0; q < r.nq; ++q) {
        pooled.clear();
        for (const Worker<T>& w : workers) {
            const T* h = w.heap.data() + q * k;
            pooled.insert(pooled.end(), h, h + w.count[static_cast<size_t>(q)]);
        }
        if (static_cast<int64_t>(pooled.size()) < k) continue;  // fewer than k points: keep all
        std::nth_element(pooled.begin(), pooled.begin() + (k - 1), pooled.end());
        final_thr[static_cast<size_t>(q)] = direct_threshold<T>(pooled[static_cast<size_t>(k - 1)], direct_gamma<T>(r.d),
                                                               direct_floor<T>(r.d));
    }
    for (const Worker<T>& w : workers)
        for (const auto& h : w.hits)
            if (h.c <= final_thr[static_cast<size_t>(h.q)]) {
                rows.push_back(h.q);
                cols.push_back(h.j);
            }
    return Status::Ok;
}

template const DirectFns<float>& direct_fns<float>();
template const DirectFns<double>& direct_fns<double>();
template Status run_direct<float>(const DirectRequest<float>&, std::vector<int64_t>&, std::vector<int64_t>&, bool&);
template Status run_direct<double>(const DirectRequest<double>&, std::vector<int64_t>&, std::vector<int64_t>&, bool&);

}  // namespace argreduce::nearest
