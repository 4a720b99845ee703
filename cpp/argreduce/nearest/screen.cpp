// run_screen: the queries cut into blocks (and the points into ranges when there are fewer blocks
// than threads), each (block, range) task swept by the instruction set's kernel on the pool's
// threads, then every block's candidates filtered against its final thresholds (and, with a
// Refine, re-checked in float64, refine.cpp), again a block per task.
//
// A task keeps, per query, the k smallest costs it has seen (a max-heap) and the threshold they
// give: the k-th smallest plus twice the bound, rounded up to the cost dtype. Thresholds only
// fall, so a pair under the final one was under every earlier one and was kept on the way.
#include "screen.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "../kernels/table.hpp"
#include "../thread_pool.hpp"

namespace argreduce::nearest {
namespace {

constexpr int64_t kBlockBytes = int64_t(1) << 20;   // a block's packed queries: read once per chunk
constexpr int64_t kChunkBytes = int64_t(16) << 10;   // a chunk of point panels: stays in L1
constexpr int64_t kHeapEntries = int64_t(1) << 22;   // per task: block queries x k costs
constexpr int64_t kSplitQueries = 8;                 // micro-panels per thread before queries are split

template <class T>
struct Task {
    int64_t block = 0, range = 0;
    int64_t q_begin = 0, nq = 0, k = 0;
    const double* B = nullptr;  // the block's bounds: B[q] for query q_begin + q
    double largest = 0;         // QueryFactors: the block's largest squared norm (NaN: not finite)
    std::vector<double> own_B;  // ... when the task made them (QueryFactors)
    std::vector<double> reach;  // pruning: each query's n2 + B
    int64_t tiles = 0;          // tiles computed
    std::vector<T> heap;  // nq x k: each query's k smallest costs so far, a max-heap (kernel.hpp keeps it)
    std::vector<int64_t> count;  // k each: the heap starts full of +inf, which the merge passes over
    std::vector<T> thr;
    std::vector<Hit<T>> hits;
    size_t compact_at = 4096;

    void emit(int64_t q, int64_t j, T g) {
        hits.push_back({static_cast<int32_t>(q), g, j});
        if (hits.size() >= compact_at) compact();
    }

    void emit_hits(const Hit<T>* h, int64_t n) {
        hits.insert(hits.end(), h, h + n);
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

// A worker's buffers, kept from one task to the next.
template <class T>
struct Scratch {
    AlignedVector<T> made, packed;  // the queries' panels: vectors on cache-line boundaries
    std::vector<T> final_thr, pooled;
    std::vector<int64_t> start, cand, at;
    std::vector<Keyed> keyed;
};

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
    // The lane sweep (k = 1, with factors): the queries in lane panels of `width`, the points in
    // micro-panels of `mr`; the row sweeps the other way round.
    const bool lanes = r.lanes;
    if (lanes && (r.k != 1 || !r.factors || r.boxes))  // the points are packed for it: nothing else reads them
        throw std::invalid_argument("argreduce core: the lane sweep takes k = 1 and query factors");
    const int64_t unit = lanes ? width : mr;           // queries per panel
    const int64_t point_unit = lanes ? mr : width;     // points per panel
    // Queries per block: as many as kBlockBytes and kHeapEntries allow, at least one panel, and few
    // enough that every thread gets a block when there are queries to go round.
    int64_t mc = std::max(unit, kBlockBytes / row_bytes / unit * unit);
    mc = std::min(mc, std::max(unit, kHeapEntries / k / unit * unit));
    if (r.n >= threads * kSplitQueries * unit)  // enough queries: every thread takes blocks of them
        mc = std::min(mc, round_up((r.n + threads - 1) / threads, unit));
    else  // few: one block, whose points the threads split (each point read once)
        mc = std::min(mc, round_up(r.n, unit));
    mc = std::max(mc, unit);
    // As many blocks as a multiple of the threads, when there are enough queries for more than one
    // round: three blocks on two threads took as long as four (a thread idle a third of the time).
    if (const int64_t b = (r.n + mc - 1) / mc; b > threads && b % threads != 0)
        mc = std::max(unit, round_up((r.n + round_up(b, threads) - 1) / round_up(b, threads), unit));
    const int64_t blocks = (r.n + mc - 1) / mc;
    const int64_t panels = (r.m + point_unit - 1) / point_unit;
    // Fewer blocks than threads: each block's points are split into ranges, one task each.
    const int64_t ranges = blocks >= threads ? 1 : std::min<int64_t>(panels, (threads + blocks - 1) / blocks);
    const int64_t per_range = (panels + ranges - 1) / ranges;
    // A range that fits in one chunk is one (its thresholds settle in one pass of the kernel's
    // take_chunk); a longer one is cut into chunks that stay in L1. The lane sweep keeps a chunk's
    // costs (lanes_kernel.hpp says how many).
    const int64_t chunk = lanes ? per_range
                          : per_range <= kMaxChunkPanels && per_range > 0
                              ? per_range
                              : std::clamp<int64_t>(kChunkBytes / (row_bytes * width), 1, kMaxChunkPanels);

    // Pruning: the queries in k-d order, so that each micro-panel is a compact cell.
    const bool pruned = r.boxes && r.factors;
    std::vector<int64_t> query_order;
    if (pruned) {
        if (r.factors->wide)
            kd_order(static_cast<const double*>(r.factors->x), r.n, r.factors->d, r.factors->d, mr, query_order);
        else
            kd_order(static_cast<const float*>(r.factors->x), r.n, r.factors->d, r.factors->d, mr, query_order);
    }
    const int64_t* qorder = pruned ? query_order.data() : nullptr;
    const int64_t* porder = pruned ? r.point_order : nullptr;
    auto query_of = [&](int64_t q) { return qorder ? qorder[q] : q; };
    auto point_of = [&](int64_t j) { return porder ? porder[j] : j; };

    std::vector<Task<T>> tasks(static_cast<size_t>(blocks * ranges));
    std::atomic<bool> stop{false};
    // Tasks on the pool's threads, polling for Ctrl-C (thread_pool.hpp).
    auto for_each = [&](int64_t count, auto&& fn) { for_each_task(threads, count, r.interrupted, stop, fn); };

    // A block's candidates: the pairs under the final threshold of their query, then (with refine)
    // re-checked query by query. Its output is joined to the others' in block order.
    struct Out {
        std::vector<int64_t> rows, cols;
    };
    std::vector<Out> outs(static_cast<size_t>(blocks));
    std::vector<Scratch<T>> scratch(static_cast<size_t>(threads));
    auto finish_block = [&](int64_t b, Scratch<T>& sc) {
        Task<T>* first = &tasks[static_cast<size_t>(b * ranges)];
        const int64_t nq = first->nq, q_begin = first->q_begin;
        const T* thr = first->thr.data();  // one range: its threshold is the final one
        if (ranges > 1) {  // the k-th smallest cost of all the ranges' heaps together
            sc.final_thr.assign(static_cast<size_t>(nq), std::numeric_limits<T>::infinity());
            for (int64_t q = 0; q < nq; ++q) {
                sc.pooled.clear();
                for (int64_t g = 0; g < ranges; ++g) {
                    const Task<T>& t = first[g];
                    const T* h = t.heap.data() + q * k;
                    sc.pooled.insert(sc.pooled.end(), h, h + t.count[q]);
                }
                if (static_cast<int64_t>(sc.pooled.size()) < k) continue;  // fewer than k points: keep all
                std::nth_element(sc.pooled.begin(), sc.pooled.begin() + (k - 1), sc.pooled.end());
                sc.final_thr[q] = threshold<T>(sc.pooled[k - 1], first->B[q]);
            }
            thr = sc.final_thr.data();
        }
        Out& out = outs[static_cast<size_t>(b)];
        if (!r.refine) {
            for (int64_t g = 0; g < ranges; ++g)
                for (const Hit<T>& h : first[g].hits)
                    if (h.g <= thr[h.q]) {
                        out.rows.push_back(query_of(q_begin + h.q));
                        out.cols.push_back(point_of(h.j));
                    }
        } else {
            // The candidates grouped by query (a counting sort, points in the order found).
            sc.start.assign(static_cast<size_t>(nq + 1), 0);
            int64_t* start = sc.start.data();
            for (int64_t g = 0; g < ranges; ++g)
                for (const Hit<T>& h : first[g].hits)
                    if (h.g <= thr[h.q]) ++start[h.q + 1];
            for (int64_t q = 0; q < nq; ++q) start[q + 1] += start[q];
            sc.cand.resize(static_cast<size_t>(start[nq]));
            sc.at.assign(sc.start.begin(), sc.start.end() - 1);
            for (int64_t g = 0; g < ranges; ++g)
                for (const Hit<T>& h : first[g].hits)
                    if (h.g <= thr[h.q]) sc.cand[static_cast<size_t>(sc.at[h.q]++)] = point_of(h.j);
            const int64_t x_row_bytes = r.refine->d * (r.refine->wide ? 8 : 4);
            for (int64_t q = 0; q < nq; ++q) {
                if (q + 8 < nq) {  // the raw query rows were read a block ago: long out of the caches
                    const char* row = static_cast<const char*>(r.refine->x) + query_of(q_begin + q + 8) * x_row_bytes;
                    for (int64_t b = 0; b < x_row_bytes; b += 64) __builtin_prefetch(row + b);
                }
                const int64_t* c = sc.cand.data() + start[q];
                const int64_t count = start[q + 1] - start[q];
                const int64_t query = query_of(q_begin + q);
                if (refine_query(*r.refine, query, c, count, sc.keyed)) continue;
                out.rows.insert(out.rows.end(), static_cast<size_t>(count), query);
                out.cols.insert(out.cols.end(), c, c + count);
            }
        }
        for (int64_t g = 0; g < ranges; ++g) {
            std::vector<Hit<T>>().swap(first[g].hits);
            std::vector<T>().swap(first[g].heap);
            std::vector<T>().swap(first[g].thr);
            std::vector<int64_t>().swap(first[g].count);
            std::vector<double>().swap(first[g].own_B);
            std::vector<double>().swap(first[g].reach);
        }
    };

    for_each(static_cast<int64_t>(tasks.size()), [&](int64_t i, int worker) {
        Scratch<T>& sc = scratch[static_cast<size_t>(worker)];
        Task<T>& t = tasks[static_cast<size_t>(i)];
        t.block = i / ranges;
        t.range = i % ranges;
        t.q_begin = t.block * mc;
        t.nq = std::min(mc, r.n - t.q_begin);
        t.k = k;
        t.heap.assign(static_cast<size_t>(t.nq * k), std::numeric_limits<T>::infinity());
        t.count.assign(static_cast<size_t>(t.nq), k);
        t.thr.assign(static_cast<size_t>(t.nq), std::numeric_limits<T>::infinity());
        sc.packed.resize(static_cast<size_t>(round_up(t.nq, unit) * r.dp));
        if (r.factors) {  // made from the raw queries by the instruction set's code, packed as made
            sc.made.resize(static_cast<size_t>(unit * r.dp));
            t.own_B.resize(static_cast<size_t>(t.nq));
            if (pruned) t.reach.resize(static_cast<size_t>(t.nq));  // in k-d order, with each query's reach
            t.largest = (lanes ? fns.make_query_lanes : fns.make_queries)(
                *r.factors, qorder, t.q_begin, t.nq, r.dp, sc.made.data(), sc.packed.data(), t.own_B.data(),
                pruned ? t.reach.data() : nullptr);
            t.B = t.own_B.data();
        } else {
            t.B = r.B + t.q_begin;
            fns.pack_queries(r.xs + t.q_begin * r.dp, t.nq, r.dp, sc.packed.data());
        }
        Sweep<T> s{sc.packed.data(), t.nq, r.panels, r.m, t.range * per_range,
                   std::min(panels, (t.range + 1) * per_range), r.dp, chunk, k, t.thr.data(), t.heap.data(), t.B,
                   [](void* ctx, int64_t q, int64_t j, T g) { static_cast<Task<T>*>(ctx)->emit(q, j, g); }, &t};
        s.emit_hits = [](void* ctx, const Hit<T>* h, int64_t n) { static_cast<Task<T>*>(ctx)->emit_hits(h, n); };
        if (pruned) {
            s.boxes = r.boxes;
            s.reach = t.reach.data();
            s.tiles = &t.tiles;
        } else {
            t.tiles = (t.nq + unit - 1) / unit * std::max<int64_t>(0, s.p1 - s.p0);
        }
        if (s.p0 < s.p1) (pruned ? fns.sweep_pruned : lanes ? fns.sweep_lanes : fns.sweep)(s);
        if (ranges == 1) finish_block(t.block, sc);  // its thresholds are final: while its data are warm
    });
    if (stop) return Status::Interrupted;
    if (ranges > 1)  // every range of a block done: its final thresholds, a block per task
        for_each(blocks, [&](int64_t b, int worker) { finish_block(b, scratch[static_cast<size_t>(worker)]); });
    if (r.factors && r.factors->largest) {
        double largest = 0;
        bool finite = true;
        for (const Task<T>& t : tasks) {
            if (std::isnan(t.largest)) finite = false;
            else largest = std::max(largest, t.largest);
        }
        *r.factors->largest = finite ? largest : std::numeric_limits<double>::quiet_NaN();
    }
    if (stop) return Status::Interrupted;
    if (r.tiles) {
        *r.tiles = 0;
        for (const Task<T>& t : tasks) *r.tiles += t.tiles;
    }
    size_t total = 0;
    for (const Out& o : outs) total += o.rows.size();
    rows.reserve(rows.size() + total);
    cols.reserve(cols.size() + total);
    for (const Out& o : outs) {
        rows.insert(rows.end(), o.rows.begin(), o.rows.end());
        cols.insert(cols.end(), o.cols.begin(), o.cols.end());
    }
    return Status::Ok;
}

template const ScreenFns<float>& screen_fns<float>();
template const ScreenFns<double>& screen_fns<double>();
template Status run_screen<float>(const ScreenRequest<float>&, std::vector<int64_t>&, std::vector<int64_t>&);
template Status run_screen<double>(const ScreenRequest<double>&, std::vector<int64_t>&, std::vector<int64_t>&);

}  // namespace argreduce::nearest
