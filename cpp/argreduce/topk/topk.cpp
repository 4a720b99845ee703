// run_topk: choose how to read the slices, split them across threads, fold each into k-best buffers.
//
// Three ways to read, all ending in the same buffers and comparator:
//   rows     the reduced dim is contiguous: the row kernel reads each slice in place;
//   columns  the reduced dim is strided but a kept dim is contiguous (topk along dim 0 of a C array):
//            the column kernel walks rows, one buffer per column of a tile, so memory is read in
//            order instead of one element per cache line;
//   packed   anything else (strided, byte-swapped, or with absent elements): chunks are packed into
//            native contiguous memory first (the executor's pack), then read as rows (with their
//            presence bytes, if any: topk_row_masked).
// Threads take disjoint outputs when there are enough of them; otherwise each takes a part of the
// reduced dim and their k-best lists are merged per output through the same buffers.
#include "topk.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "../executor.hpp"
#include "../keys.hpp"
#include "../kernels/table.hpp"
#include "../partial.hpp"
#include "../thread_pool.hpp"
#include "kbest.hpp"

namespace argreduce {

static bool candidate_less(const Candidate& a, const Candidate& b) {
    return better(a.key, a.index, b.key, b.index);
}

static_assert(kNetworkMaxK <= kSortedK, "network_rows hands its k pairs over as a sorted buffer");

void kbest_compact(KBest& b) {
    if (b.count < b.k || b.k <= kSortedK) return;  // a sorted buffer is never over k
    std::nth_element(b.buf, b.buf + (b.k - 1), b.buf + b.count, candidate_less);
    b.count = b.k;
    b.bar_key = b.buf[b.k - 1].key;
    b.bar_index = b.buf[b.k - 1].index;
}

void kbest_finish(KBest& b) {
    kbest_compact(b);
    std::sort(b.buf, b.buf + b.count, candidate_less);
}

namespace {

constexpr int64_t kPackElements = 4096;  // a packed chunk stays in L1
constexpr int64_t kColumnTile = 256;     // columns per tile of the column kernel
constexpr int64_t kNetRowChunk = 256;    // elements per row and pass of the network (L rows: 16 KiB)
constexpr int64_t kNetHeadFrom = 2048;   // slices this long leave the network after their first eighth
constexpr int64_t kNetColumnTile = 2048; // columns per tile of the network along dim 0
constexpr int64_t kNetColumnKeys = 8192; // keys per pass of the network along dim 0 (32 KiB)

int64_t product(const std::vector<int64_t>& v) {
    int64_t p = 1;
    for (int64_t x : v) p *= x;
    return p;
}

// A k-best buffer with its memory. The capacity trades selections against memory: 2k (at least
// k + 64) candidates, but never more than the slice can give (then no selection runs before the end).
struct OwnedKBest {
    std::vector<Candidate> mem;
    KBest kb;
    OwnedKBest(int64_t k, int64_t most) {
        const int64_t cap = k <= kSortedK ? k + 1 : std::min(std::max(2 * k, k + 64), most + 1);
        mem.resize(static_cast<size_t>(cap));
        kb = KBest{mem.data(), cap, k};
    }
};

// Byte offset of outer position o (row-major over shape) under `strides`, skipping dim `skip`
// (then o counts positions of the other dims).
int64_t offset_of(int64_t o, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, int skip = -1) {
    int64_t off = 0;
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
        if (d == skip) continue;
        off += (o % shape[d]) * strides[d];
        o /= shape[d];
    }
    return off;
}

// Output o's k elements, copied from its slice (which starts at `base`) as raw bytes, so values
// keep their byte order and bit patterns (NaN payloads, -0.0); an empty slot gets zero bytes.
void copy_values(const TopkRequest& r, int64_t o, const char* base) {
    if (!r.values) return;
    const int isz = info(r.dtype).itemsize;
    char* dst = r.values + o * r.k * isz;
    const int64_t* idx = r.indices + o * r.k;
    for (int64_t j = 0; j < r.k; ++j, dst += isz) {
        if (idx[j] == kEmptyIndex) {
            std::memset(dst, 0, static_cast<size_t>(isz));
            continue;
        }
        const char* src = base + idx[j] * r.stride;
        switch (isz) {  // a fixed size is one move, not a call to memcpy
            case 1: std::memcpy(dst, src, 1); break;
            case 2: std::memcpy(dst, src, 2); break;
            case 4: std::memcpy(dst, src, 4); break;
            default: std::memcpy(dst, src, 8); break;
        }
    }
}

// Writes a finished buffer as output o's k pairs, padding with the empty pair.
void write_out(const TopkRequest& r, KBest& b, int64_t o) {
    if (b.k > kSortedK) kbest_finish(b);  // a sorted buffer is in order already
    int64_t* idx = r.indices + o * r.k;
    int64_t* key = r.keys ? r.keys + o * r.k : nullptr;
    for (int64_t j = 0; j < r.k; ++j) {
        const bool real = j < b.count;
        idx[j] = real ? b.buf[j].index : kEmptyIndex;
        if (key) key[j] = real ? b.buf[j].key : kEmptyKey;
    }
    kbest_reset(b);
    if (r.values) copy_values(r, o, r.data + offset_of(o, r.outer_shape, r.outer_strides));
}

// Elements [lo, hi) of output o's slice into b, by rows or packed.
void fold_slice(const TopkRequest& r, const Kernels& kern, int64_t o, int64_t lo, int64_t hi, KBest& b,
                char* pack_buf) {
    const int isz = info(r.dtype).itemsize;
    const char* base = r.data + offset_of(o, r.outer_shape, r.outer_strides);
    if (!r.present && !r.swapped && r.stride == isz) return kern.topk_row(base + lo * isz, hi - lo, lo, b);
    const uint8_t* present =
        r.present ? r.present + offset_of(o, r.outer_shape, r.present_outer_strides) : nullptr;
    for (int64_t c0 = lo; c0 < hi; c0 += kPackElements) {
        const int64_t m = std::min(kPackElements, hi - c0);
        pack(pack_buf, base + c0 * r.stride, m, r.stride, isz, r.swapped);
        if (present) {
            const uint8_t* bytes = present + c0 * r.present_stride;
            uint8_t gathered[kPackElements];
            if (r.present_stride != 1) {  // the binding's are contiguous; others get packed too
                for (int64_t j = 0; j < m; ++j) gathered[j] = bytes[j * r.present_stride];
                bytes = gathered;
            }
            kern.topk_row_masked(pack_buf, bytes, m, c0, b);
        } else {
            kern.topk_row(pack_buf, m, c0, b);
        }
    }
}

// The kept dim the column kernel walks: the last contiguous one with more than one element, or -1.
int column_dim(const TopkRequest& r) {
    const int isz = info(r.dtype).itemsize;
    if (r.present || r.swapped || r.stride == isz) return -1;
    for (int d = static_cast<int>(r.outer_shape.size()) - 1; d >= 0; --d)
        if (r.outer_strides[d] == isz && r.outer_shape[d] > 1) return d;
    return -1;
}

// Fills `count` element-width keys with KMAX (the bar that lets everything through).
void fill_kmax(void* bars, int64_t count, int isz) {
    auto* p = static_cast<unsigned char*>(bars);
    for (int64_t i = 0; i < count; ++i) {
        std::memset(p + i * isz, 0xff, static_cast<size_t>(isz));
        p[i * isz + isz - 1] = 0x7f;  // little-endian: the top byte carries the sign
    }
}

// Large k (more than an eighth of the slice) with keys of at most 4 bytes: sort one uint64 per
// element, (key - KMIN) << 32 | index, whose integer order is exactly (key, index).
bool composite_fits(const TopkRequest& r) {
    return r.k * 8 > r.n && info(r.dtype).itemsize <= 4 && r.n < (int64_t(1) << 32);
}

template <DType T, Rule R>
void composite_keys(const TopkRequest& r, int64_t o, std::vector<uint64_t>& out, char* pack_buf) {
    const int isz = info(T).itemsize;
    const char* base = r.data + offset_of(o, r.outer_shape, r.outer_strides);
    const uint8_t* present =
        r.present ? r.present + offset_of(o, r.outer_shape, r.present_outer_strides) : nullptr;
    constexpr int64_t kmin = KeyTraits<T>::kmin;
    out.clear();
    for (int64_t c0 = 0; c0 < r.n; c0 += kPackElements) {
        const int64_t m = std::min(kPackElements, r.n - c0);
        pack(pack_buf, base + c0 * r.stride, m, r.stride, isz, r.swapped);
        for (int64_t j = 0; j < m; ++j) {
            if (present && !present[(c0 + j) * r.present_stride]) continue;
            const uint64_t key = static_cast<uint64_t>(scalar_key<T, R>(pack_buf + j * isz) - kmin);
            out.push_back(key << 32 | static_cast<uint64_t>(c0 + j));
        }
    }
}

// Sorts the composites by their key half, stably, one byte a pass (least significant first). They
// were made in index order, so a stable sort by key IS the (key, index) order, and for k above an
// eighth of the slice sorting everything this way costs less than a selection and a comparison sort.
void radix_sort_keys(std::vector<uint64_t>& a, std::vector<uint64_t>& scratch, int key_bytes) {
    scratch.resize(a.size());
    for (int byte = 0; byte < key_bytes; ++byte) {
        const int shift = 32 + 8 * byte;
        size_t count[257] = {};
        for (uint64_t v : a) ++count[((v >> shift) & 0xff) + 1];
        if (count[((a.empty() ? 0 : a[0]) >> shift & 0xff) + 1] == a.size()) continue;  // one bucket: in order
        for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
        for (uint64_t v : a) scratch[count[(v >> shift) & 0xff]++] = v;
        a.swap(scratch);
    }
}

void large_k_slice(const TopkRequest& r, int64_t o, std::vector<uint64_t>& comp, std::vector<uint64_t>& scratch,
                   char* pack_buf) {
    int64_t kmin = 0;
    visit_dtype(r.dtype, [&](auto t) {
        constexpr DType T = decltype(t)::value;
        if constexpr (info(T).itemsize <= 4) {
            kmin = KeyTraits<T>::kmin;
            switch (r.rule) {
#define ARGREDUCE_RULE_CASE(R, name, largest, nan) \
    case Rule::R: return composite_keys<T, Rule::R>(r, o, comp, pack_buf);
                ARGREDUCE_RULES(ARGREDUCE_RULE_CASE)
#undef ARGREDUCE_RULE_CASE
                case Rule::Count: break;
            }
        }
    });
    const int64_t have = std::min<int64_t>(r.k, static_cast<int64_t>(comp.size()));
    radix_sort_keys(comp, scratch, info(r.dtype).itemsize);
    int64_t* idx = r.indices + o * r.k;
    int64_t* key = r.keys ? r.keys + o * r.k : nullptr;
    for (int64_t j = 0; j < r.k; ++j) {
        const bool real = j < have;
        idx[j] = real ? static_cast<int64_t>(comp[j] & 0xffffffffu) : kEmptyIndex;
        if (key) key[j] = real ? static_cast<int64_t>(comp[j] >> 32) + kmin : kEmptyKey;
    }
    copy_values(r, o, r.data + offset_of(o, r.outer_shape, r.outer_strides));
}

// The work units of both column kernels: (position of the other kept dims, tile of `tile` columns
// of the contiguous kept dim cd), with where a unit's data starts and where its outputs go.
struct ColumnUnits {
    const TopkRequest& r;
    int cd;
    int64_t tile, ncols, tiles, units;
    int64_t col_out = 1;  // how far apart column c's outputs are
    std::vector<int64_t> others_shape, out_strides;

    ColumnUnits(const TopkRequest& req, int dim, int64_t tile_columns)
        : r(req), cd(dim), tile(tile_columns), ncols(req.outer_shape[dim]),
          tiles((ncols + tile - 1) / tile), units(product(req.outer_shape) / ncols * tiles),
          others_shape(req.outer_shape), out_strides(req.outer_shape.size()) {
        for (size_t d = cd + 1; d < r.outer_shape.size(); ++d) col_out *= r.outer_shape[d];
        others_shape[cd] = 1;
        for (int64_t d = static_cast<int64_t>(out_strides.size()) - 1, s = 1; d >= 0; --d) {
            out_strides[d] = s;
            s *= r.outer_shape[d];
        }
    }
    int64_t first_column(int64_t u) const { return (u % tiles) * tile; }
    int64_t width(int64_t u) const { return std::min(tile, ncols - first_column(u)); }
    const char* data(int64_t u) const {
        return r.data + offset_of(u / tiles, others_shape, r.outer_strides, cd) +
               first_column(u) * info(r.dtype).itemsize;
    }
    int64_t first_output(int64_t u) const {
        return offset_of(u / tiles, others_shape, out_strides, cd) + first_column(u) * col_out;
    }
};

class Runner {
public:
    explicit Runner(const TopkRequest& r)
        : r_(r), tables_(kernels()), kern_(tables_.get(r.dtype, kernel_rule(r.rule, info(r.dtype).kind))) {}

    Status run() {
        const int64_t outer = product(r_.outer_shape);
        const int isz = info(r_.dtype).itemsize;
        const int64_t bytes = outer * r_.n * isz;
        const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(r_.threads, bytes / kGrainBytes)));
        const int cd = composite_fits(r_) ? -1 : column_dim(r_);
        const bool net = network_fits();
        if (cd >= 0 && net) return wide_keys() ? network_columns(tables_.network64, cd, threads)
                                               : network_columns(tables_.network32, cd, threads);
        if (cd >= 0) return columns(cd, threads);
        if (net && !composite_fits(r_) && !r_.present && !r_.swapped && r_.stride == isz &&
            outer >= int64_t(threads) * (wide_keys() ? tables_.network64.lanes : tables_.network32.lanes))
            return wide_keys() ? network_rows(tables_.network64, outer, threads)
                               : network_rows(tables_.network32, outer, threads);
        // Parts of a slice pay off only while each part's k best are few next to the part: for
        // k near the slice's size every part would select and sort almost all of it, twice.
        if (outer >= threads || r_.k * threads * 8 > r_.n) return by_outputs(outer, std::min<int64_t>(threads, outer));
        return by_parts(outer, threads);
    }

private:
    const TopkRequest& r_;
    const KernelTable& tables_;
    const Kernels& kern_;
    std::atomic<bool> stop_{false};

    void poll() {
        if (!stop_.load(std::memory_order_relaxed) && r_.interrupted()) stop_.store(true);
    }
    bool stopped() const { return stop_.load(std::memory_order_relaxed); }

    Status finish() { return stopped() ? Status::Interrupted : Status::Ok; }

    // Threads take disjoint runs of outputs.
    Status by_outputs(int64_t outer, int threads) {
        parallel_run(threads, [&](int t) {
            const bool composite = composite_fits(r_);
            OwnedKBest best(composite ? 1 : r_.k, composite ? 1 : r_.n);
            std::vector<uint64_t> comp, scratch;
            std::vector<char> pack_buf(static_cast<size_t>(kPackElements * 8));
            const int64_t first = outer * t / threads, last = outer * (t + 1) / threads;
            int64_t work = 0;
            for (int64_t o = first; o < last && !stopped(); ++o) {
                if (composite) {
                    large_k_slice(r_, o, comp, scratch, pack_buf.data());
                } else {
                    fold_slice(r_, kern_, o, 0, r_.n, best.kb, pack_buf.data());
                    write_out(r_, best.kb, o);
                }
                if (t == 0 && (work += r_.n) >= kPieceElements) {  // Ctrl-C is noticed between slices
                    work = 0;
                    poll();
                }
            }
        }, [&] { poll(); });
        return finish();
    }

    // Fewer outputs than threads: each thread folds a part of every slice into its own k-best lists,
    // merged per output afterwards.
    Status by_parts(int64_t outer, int threads) {
        std::vector<int64_t> keys(static_cast<size_t>(outer * r_.k * threads)), idx(keys.size());
        parallel_run(threads, [&](int t) {
            OwnedKBest best(r_.k, r_.n);
            std::vector<char> pack_buf(static_cast<size_t>(kPackElements * 8));
            TopkRequest mine = r_;
            mine.keys = keys.data() + outer * r_.k * t;
            mine.indices = idx.data() + outer * r_.k * t;
            mine.values = nullptr;  // the merged lists' are copied below
            const int64_t lo = r_.n * t / threads, hi = r_.n * (t + 1) / threads;
            for (int64_t o = 0; o < outer && !stopped(); ++o) {
                for (int64_t a = lo; a < hi && !stopped(); a += kPieceElements) {
                    fold_slice(r_, kern_, o, a, std::min(hi, a + kPieceElements), best.kb, pack_buf.data());
                    if (t == 0) poll();
                }
                write_out(mine, best.kb, o);
            }
        }, [&] { poll(); });
        if (stopped()) return Status::Interrupted;
        OwnedKBest merged(r_.k, r_.k * threads);
        for (int64_t o = 0; o < outer; ++o) {
            for (int t = 0; t < threads; ++t)
                for (int64_t j = 0; j < r_.k; ++j) {
                    const size_t at = static_cast<size_t>((t * outer + o) * r_.k + j);
                    if (idx[at] != kEmptyIndex) kbest_push(merged.kb, keys[at], idx[at]);
                }
            write_out(r_, merged.kb, o);
        }
        return Status::Ok;
    }

    // The insertion network (kernels/topk_network.hpp) serves k up to kNetworkMaxK, on slices whose
    // positions fit its key width (int32 positions for keys of at most 4 bytes).
    bool wide_keys() const { return info(r_.dtype).itemsize == 8; }
    bool network_fits() const {
        const int64_t most = wide_keys() ? INT64_MAX : INT32_MAX;
        return r_.k <= kNetworkMaxK && r_.n >= r_.k && r_.n <= most && !r_.present && !r_.swapped;
    }

    // Contiguous slices, L at a time: threads take disjoint runs of outputs; each group of L slices
    // passes through the network in chunks of kNetRowChunk elements (the last group's spare lanes
    // repeat its first slice, and their answers are dropped).
    //
    // Long slices (kNetHeadFrom elements or more) pass only their first eighth through the network:
    // by then each one's k-th best is a tight bar, and the skip-scan (topk_row) reads the rest at
    // about a third of the network's instructions per element, seeded with those k pairs.
    template <class W>
    Status network_rows(const NetworkFns<W>& net, int64_t outer, int threads) {
        const int isz = info(r_.dtype).itemsize;
        const int L = net.lanes;
        const int64_t stride = std::min(kNetRowChunk, (r_.n + L - 1) / L * L);
        const int64_t head = r_.n >= kNetHeadFrom ? std::max(stride, r_.n / 8 / stride * stride) : r_.n;
        parallel_run(threads, [&](int t) {
            std::vector<W> buf(static_cast<size_t>(L * stride)), state(static_cast<size_t>(2 * r_.k * L));
            std::vector<const char*> rows(static_cast<size_t>(L));
            OwnedKBest best(r_.k, r_.n);
            const int64_t first = outer * t / threads, last = outer * (t + 1) / threads;
            int64_t work = 0;
            for (int64_t o0 = first; o0 < last && !stopped(); o0 += L) {
                const int64_t g = std::min<int64_t>(L, last - o0);
                for (int64_t l = 0; l < L; ++l)
                    rows[l] = r_.data + offset_of(o0 + (l < g ? l : 0), r_.outer_shape, r_.outer_strides);
                for (int64_t j0 = 0; j0 < head; j0 += stride) {
                    const int64_t m = std::min(stride, head - j0);
                    for (int64_t l = 0; l < L; ++l) kern_.topk_keys(rows[l] + j0 * isz, 0, 1, m, buf.data() + l * stride, 0);
                    net.rows[r_.k](buf.data(), stride, m, j0, state.data());
                }
                for (int64_t l = 0; l < g; ++l) {
                    if (head == r_.n) {
                        write_lane(state.data(), L, 1, 0, l, o0 + l);
                        copy_values(r_, o0 + l, rows[l]);
                        continue;
                    }
                    KBest& b = best.kb;  // a sorted buffer (k <= kNetworkMaxK <= kSortedK), full
                    for (int64_t s = 0; s < r_.k; ++s)
                        b.buf[s] = {static_cast<int64_t>(state[s * L + l]), static_cast<int64_t>(state[(r_.k + s) * L + l])};
                    b.count = r_.k;
                    b.bar_key = b.buf[r_.k - 1].key;
                    b.bar_index = b.buf[r_.k - 1].index;
                    kern_.topk_row(rows[l] + head * isz, r_.n - head, head, b);
                    write_out(r_, b, o0 + l);
                }
                if (t == 0 && (work += r_.n * g) >= kPieceElements) {
                    work = 0;
                    poll();
                }
            }
        }, [&] { poll(); });
        return finish();
    }

    // Output o's k pairs from lane l of network group g (of `groups`): slot t's keys at
    // state[(t * groups + g) * L + l], its positions k slots further.
    template <class W>
    void write_lane(const W* state, int L, int64_t groups, int64_t g, int64_t l, int64_t o) {
        int64_t* idx = r_.indices + o * r_.k;
        int64_t* key = r_.keys ? r_.keys + o * r_.k : nullptr;
        for (int64_t t = 0; t < r_.k; ++t) {
            idx[t] = static_cast<int64_t>(state[((r_.k + t) * groups + g) * L + l]);
            if (key) key[t] = static_cast<int64_t>(state[(t * groups + g) * L + l]);
        }
    }

    // Along a kept contiguous dim (dim 0 of a C array): units are (position of the other kept dims,
    // tile of up to kNetColumnTile columns); rows of a tile pass in chunks of about kNetColumnKeys
    // keys. Spare lanes of the last group read whatever the buffer holds; their answers are dropped.
    template <class W>
    Status network_columns(const NetworkFns<W>& net, int cd, int threads) {
        const int isz = info(r_.dtype).itemsize;
        const int L = net.lanes;
        const int64_t ncols = r_.outer_shape[cd];
        // Enough tiles for every thread, each a whole number of groups.
        const int64_t per_thread = (ncols + threads - 1) / threads;
        const ColumnUnits cu(r_, cd, std::min(kNetColumnTile, (per_thread + L - 1) / L * L));
        threads = static_cast<int>(std::min<int64_t>(threads, cu.units));
        const int64_t row_chunk = std::max<int64_t>(1, kNetColumnKeys / cu.tile);
        parallel_run(threads, [&](int t) {
            std::vector<W> buf(static_cast<size_t>(row_chunk * cu.tile));
            std::vector<W> state(static_cast<size_t>(2 * r_.k * cu.tile));
            const int64_t first = cu.units * t / threads, last = cu.units * (t + 1) / threads;
            for (int64_t u = first; u < last && !stopped(); ++u) {
                const int64_t w = cu.width(u);
                const int64_t groups = (w + L - 1) / L;
                const char* base = cu.data(u);
                const int64_t out0 = cu.first_output(u);
                for (int64_t r0 = 0; r0 < r_.n && !stopped(); r0 += row_chunk) {
                    const int64_t rc = std::min(row_chunk, r_.n - r0);
                    kern_.topk_keys(base + r0 * r_.stride, r_.stride, rc, w, buf.data(), groups * L);
                    net.cols[r_.k](buf.data(), groups * L, rc, groups, r0, state.data());
                    if (t == 0) poll();
                }
                for (int64_t c = 0; c < w; ++c) {
                    write_lane(state.data(), L, groups, c / L, c % L, out0 + c * cu.col_out);
                    copy_values(r_, out0 + c * cu.col_out, base + c * isz);
                }
            }
        }, [&] { poll(); });
        return finish();
    }

    // The column kernel: units are (position of the other kept dims, tile of columns).
    Status columns(int cd, int threads) {
        const ColumnUnits cu(r_, cd, kColumnTile);
        threads = static_cast<int>(std::min<int64_t>(threads, cu.units));
        parallel_run(threads, [&](int t) {
            std::vector<OwnedKBest> best;
            best.reserve(kColumnTile);
            for (int64_t c = 0; c < std::min(kColumnTile, cu.ncols); ++c) best.emplace_back(r_.k, r_.n);
            std::vector<KBest> kb(best.size());
            std::vector<int64_t> bars(static_cast<size_t>(kColumnTile));
            const int64_t first = cu.units * t / threads, last = cu.units * (t + 1) / threads;
            for (int64_t u = first; u < last && !stopped(); ++u) {
                const int64_t w = cu.width(u);
                const int64_t out0 = cu.first_output(u);
                for (int64_t c = 0; c < w; ++c) kb[c] = best[c].kb;
                fill_kmax(bars.data(), w, info(r_.dtype).itemsize);
                kern_.topk_cols(cu.data(u), w, r_.n, r_.stride, 0, kb.data(), bars.data());
                for (int64_t c = 0; c < w; ++c) write_out(r_, kb[c], out0 + c * cu.col_out);
                if (t == 0) poll();
            }
        }, [&] { poll(); });
        return finish();
    }
};

}  // namespace

Status run_topk(const TopkRequest& r) {
    if (r.k == 0 || product(r.outer_shape) == 0) return Status::Ok;
    return Runner(r).run();
}

}  // namespace argreduce
