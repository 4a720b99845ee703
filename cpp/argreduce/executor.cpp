#include "executor.hpp"

#include <cstring>
#include <limits>
#include <vector>

#include "kernels/table.hpp"
#include "keys.hpp"
#include "partial.hpp"

namespace argreduce {

template <class U>
static void pack_typed(char* dst, const char* src, int64_t n, int64_t stride, bool swap) {
    for (int64_t i = 0; i < n; ++i, src += stride, dst += sizeof(U)) {
        U v;
        std::memcpy(&v, src, sizeof(U));
        if constexpr (sizeof(U) == 2) v = swap ? __builtin_bswap16(v) : v;
        if constexpr (sizeof(U) == 4) v = swap ? __builtin_bswap32(v) : v;
        if constexpr (sizeof(U) == 8) v = swap ? __builtin_bswap64(v) : v;
        std::memcpy(dst, &v, sizeof(U));
    }
}

void pack(char* dst, const char* src, int64_t n, int64_t stride, int itemsize, bool swap) {
    if (!swap && stride == itemsize) {
        std::memcpy(dst, src, n * itemsize);
        return;
    }
    switch (itemsize) {
        case 1: return pack_typed<uint8_t>(dst, src, n, stride, false);
        case 2: return pack_typed<uint16_t>(dst, src, n, stride, swap);
        case 4: return pack_typed<uint32_t>(dst, src, n, stride, swap);
        default: return pack_typed<uint64_t>(dst, src, n, stride, swap);
    }
}

namespace {

// Where one position of the loop nest starts: in the input, the mask, the output and the index.
struct Cursor {
    const char* data;
    const uint8_t* mask;  // nullptr without a presence mask
    int64_t out;
    int64_t index;
};

// Calls fn(cursor) for every position of the dims not in `skip`.
template <class Fn>
void for_each_position(const Problem& p, int skip_a, int skip_b, Fn&& fn) {
    std::vector<int> loop;
    for (int d = 0; d < static_cast<int>(p.dims.size()); ++d)
        if (d != skip_a && d != skip_b) loop.push_back(d);
    std::vector<int64_t> at(loop.size(), 0);
    Cursor c{p.data, p.mask, p.out_offset, p.index_offset};
    const bool mask_on = p.mask != nullptr;  // a null mask pointer must not move
    for (;;) {
        fn(c);
        int k = static_cast<int>(loop.size()) - 1;  // odometer: innermost loop dim turns fastest
        for (; k >= 0; --k) {
            const Dim& d = p.dims[loop[k]];
            if (++at[k] < d.size) {
                c.data += d.in_stride;
                if (mask_on) c.mask += d.mask_stride;
                c.out += d.out_stride;
                c.index += d.weight;
                break;
            }
            at[k] = 0;
            c.data -= (d.size - 1) * d.in_stride;
            if (mask_on) c.mask -= (d.size - 1) * d.mask_stride;
            c.out -= (d.size - 1) * d.out_stride;
            c.index -= (d.size - 1) * d.weight;
        }
        if (k < 0) return;
    }
}

template <DType T, Rule R>
void keys_of_elements(const Problem& p, bool swapped, int64_t* keys, int64_t* indices) {
    for_each_position(p, -1, -1, [&](const Cursor& c) {
        char native[8];
        pack(native, c.data, 1, info(T).itemsize, info(T).itemsize, swapped);
        merge_into(keys, indices, c.out, scalar_key<T, R>(native), c.index);
    });
}

// No reduced dim left (all were size 1 or broadcast): each output is one element, index fixed.
void elementwise(const Problem& p, const Keying& keying, int64_t* keys, int64_t* indices) {
    visit_dtype(keying.dtype, [&](auto t) {
        constexpr DType T = decltype(t)::value;
        switch (keying.rule) {
#define ARGREDUCE_RULE_CASE(R, name, largest, nan) \
    case Rule::R: return keys_of_elements<T, Rule::R>(p, keying.swapped, keys, indices);
            ARGREDUCE_RULES(ARGREDUCE_RULE_CASE)
#undef ARGREDUCE_RULE_CASE
            case Rule::Count: break;
        }
    });
}

constexpr int64_t kPackBytes = 16384;  // a packed tile stays in L1

// Strided or byte-swapped data: pack tiles into native contiguous memory, then run the same kernels.
void strided(const Problem& p, int row_dim, const Keying& keying, const Kernels& k, const Sink& sink) {
    const int inner = static_cast<int>(p.dims.size()) - 1;
    const Dim& in = p.dims[inner];
    const int isz = info(keying.dtype).itemsize;
    alignas(64) char buf[kPackBytes];
    if (in.reduced()) {
        const int64_t chunk = kPackBytes / isz;
        for_each_position(p, inner, -1, [&](const Cursor& c) {
            for (int64_t c0 = 0; c0 < in.size; c0 += chunk) {
                const int64_t n = in.size - c0 < chunk ? in.size - c0 : chunk;
                pack(buf, c.data + c0 * in.in_stride, n, in.in_stride, isz, keying.swapped);
                const Rows row{buf, n, 1, in.weight, 1, 0, 0, 0};
                k.rows(row, shifted(sink, c.out, c.index + c0 * in.weight));
            }
        });
        return;
    }
    const Dim& rd = p.dims[row_dim];
    const int64_t cols = in.size < 1024 ? in.size : 1024;
    const int64_t rows = kPackBytes / (cols * isz) < 1 ? 1 : kPackBytes / (cols * isz);
    for_each_position(p, inner, row_dim, [&](const Cursor& c) {
        for (int64_t c0 = 0; c0 < in.size; c0 += cols) {
            const int64_t nc = in.size - c0 < cols ? in.size - c0 : cols;
            for (int64_t r0 = 0; r0 < rd.size; r0 += rows) {
                const int64_t nr = rd.size - r0 < rows ? rd.size - r0 : rows;
                for (int64_t r = 0; r < nr; ++r)
                    pack(buf + r * nc * isz, c.data + (r0 + r) * rd.in_stride + c0 * in.in_stride, nc,
                         in.in_stride, isz, keying.swapped);
                const Cols tile{buf, nc, in.out_stride, nr, nc * isz, rd.weight};
                k.cols(tile, shifted(sink, c.out + c0 * in.out_stride, c.index + r0 * rd.weight));
            }
        }
    });
}

// A presence mask: every tile is packed as KEYS one size wider than the element's (int8 data ->
// int16 keys ...), absent elements getting the widest key, which no element's key reaches; the
// tile is then reduced by the wide integer's kernels under the plain Min rule (a key's own order).
// A slice with no present element ends with that key; run() turns it into the empty partial.
// 8-byte elements have no wider key: only float64 (whose keys never reach INT64_MAX) comes here.
template <class W>
inline constexpr DType kWideKeyDType = sizeof(W) == 2 ? DType::Int16 : sizeof(W) == 4 ? DType::Int32 : DType::Int64;
// Bigger than the other tiles: the row kernel's call per tile is a fixed cost, and the keys stay in L2.
constexpr int64_t kMaskedTileBytes = 65536;

template <DType T, Rule R>
void masked_typed(const Problem& p, int row_dim, bool swapped, const Sink& sink) {
    using Tr = KeyTraits<T>;
    using W = typename IntOfSize<(Tr::kind == KeyKind::Float || Tr::bytes == 8 ? Tr::bytes : 2 * Tr::bytes)>::S;
    constexpr W kAbsent = std::numeric_limits<W>::max();
    constexpr int isz = Tr::bytes;
    const Kernels& k = kernels().get(kWideKeyDType<W>, Rule::Min);
    const PackMaskedFn pack_dense = kernels().get(T, R).pack_masked;
    alignas(64) W buf[kMaskedTileBytes / sizeof(W)];  // 64 KiB: threads have 8 MiB stacks
    auto key_at = [&](const char* d, const uint8_t* m) -> W {
        if (!*m) return kAbsent;
        char native[8];
        pack(native, d, 1, isz, isz, swapped);
        return static_cast<W>(scalar_key<T, R>(native));
    };
    const int inner = static_cast<int>(p.dims.size()) - 1;
    if (row_dim < 0 || inner < 0) {  // nothing left to reduce: each output is its one element
        for_each_position(p, -1, -1, [&](const Cursor& c) { put(sink, c.out, key_at(c.data, c.mask), c.index); });
        return;
    }
    const Dim& in = p.dims[inner];
    if (in.reduced()) {
        const int64_t chunk = kMaskedTileBytes / sizeof(W);
        const bool dense = !swapped && in.in_stride == isz && in.mask_stride == 1;
        for_each_position(p, inner, -1, [&](const Cursor& c) {
            for (int64_t c0 = 0; c0 < in.size; c0 += chunk) {
                const int64_t n = in.size - c0 < chunk ? in.size - c0 : chunk;
                const char* d = c.data + c0 * in.in_stride;
                const uint8_t* m = c.mask + c0 * in.mask_stride;
                if (dense)  // the common case: vectorised per instruction set (kernels/masked_keys.hpp)
                    pack_dense(d, m, n, buf);
                else
                    for (int64_t i = 0; i < n; ++i) buf[i] = key_at(d + i * in.in_stride, m + i * in.mask_stride);
                const Rows row{reinterpret_cast<const char*>(buf), n, 1, in.weight, 1, 0, 0, 0};
                k.rows(row, shifted(sink, c.out, c.index + c0 * in.weight));
            }
        });
        return;
    }
    const Dim& rd = p.dims[row_dim];
    const bool dense_cols = !swapped && in.in_stride == isz && in.mask_stride == 1;
    const int64_t cols = in.size < 1024 ? in.size : 1024;
    const int64_t rows = kMaskedTileBytes / (cols * static_cast<int64_t>(sizeof(W))) < 1
                             ? 1 : kMaskedTileBytes / (cols * static_cast<int64_t>(sizeof(W)));
    for_each_position(p, inner, row_dim, [&](const Cursor& c) {
        for (int64_t c0 = 0; c0 < in.size; c0 += cols) {
            const int64_t nc = in.size - c0 < cols ? in.size - c0 : cols;
            for (int64_t r0 = 0; r0 < rd.size; r0 += rows) {
                const int64_t nr = rd.size - r0 < rows ? rd.size - r0 : rows;
                for (int64_t r = 0; r < nr; ++r) {
                    const char* d = c.data + (r0 + r) * rd.in_stride + c0 * in.in_stride;
                    const uint8_t* m = c.mask + (r0 + r) * rd.mask_stride + c0 * in.mask_stride;
                    if (dense_cols)
                        pack_dense(d, m, nc, buf + r * nc);
                    else
                        for (int64_t j = 0; j < nc; ++j) buf[r * nc + j] = key_at(d + j * in.in_stride, m + j * in.mask_stride);
                }
                const Cols tile{reinterpret_cast<const char*>(buf), nc, in.out_stride, nr,
                                nc * static_cast<int64_t>(sizeof(W)), rd.weight};
                k.cols(tile, shifted(sink, c.out + c0 * in.out_stride, c.index + r0 * rd.weight));
            }
        }
    });
}

void masked(const Problem& p, int row_dim, const Keying& keying, const Sink& sink) {
    visit_dtype(keying.dtype, [&](auto t) {
        constexpr DType T = decltype(t)::value;
        switch (keying.rule) {
#define ARGREDUCE_RULE_CASE(R, name, largest, nan) \
    case Rule::R: return masked_typed<T, kernel_rule(Rule::R, info(T).kind)>(p, row_dim, keying.swapped, sink);
            ARGREDUCE_RULES(ARGREDUCE_RULE_CASE)
#undef ARGREDUCE_RULE_CASE
            case Rule::Count: break;
        }
    });
}

}  // namespace

void execute_serial(const Problem& p, LoopKind kind, int row_dim, const Keying& keying, int64_t* keys,
                    int64_t* indices) {
    const Kernels& k = kernels().get(keying.dtype, keying.rule);
    const Sink sink{keys, indices, 0, 0};
    const int inner = static_cast<int>(p.dims.size()) - 1;
    const int isz = info(keying.dtype).itemsize;
    const Dim none{1, 0, 0, 0};
    // Rows: the dim just outside the row is the kernel's row loop (a kept dim: many outputs; a
    // reduced one: more of the same output).
    const Dim& in = inner >= 0 ? p.dims[inner] : none;
    const Dim& outer = inner >= 1 ? p.dims[inner - 1] : none;
    switch (kind) {
        case LoopKind::Elementwise:
            return elementwise(p, keying, keys, indices);
        case LoopKind::ContiguousRows:
            return for_each_position(p, inner, inner - 1, [&](const Cursor& c) {
                const Rows rows{c.data, in.size, in.in_stride / isz, in.weight, outer.size, outer.in_stride,
                                outer.out_stride, outer.weight};
                k.rows(rows, shifted(sink, c.out, c.index));
            });
        case LoopKind::ShortRows:
            return for_each_position(p, inner, inner - 1, [&](const Cursor& c) {
                const Rows rows{c.data, in.size, 1, in.weight, outer.size, outer.in_stride, outer.out_stride, 0};
                k.short_rows(rows, shifted(sink, c.out, c.index));
            });
        case LoopKind::AcrossRows: {
            const Dim& rd = p.dims[row_dim];
            return for_each_position(p, inner, row_dim, [&](const Cursor& c) {
                const Cols cols{c.data, in.size, in.out_stride, rd.size, rd.in_stride, rd.weight};
                k.cols(cols, shifted(sink, c.out, c.index));
            });
        }
        case LoopKind::Strided:
            return strided(p, row_dim, keying, k, sink);
        case LoopKind::Masked:
            return masked(p, row_dim, keying, sink);
    }
}

int64_t masked_empty_key(DType dtype) {
    const int size = info(dtype).itemsize;
    const int bytes = info(dtype).kind == KeyKind::Float || size == 8 ? size : 2 * size;
    return bytes == 8 ? INT64_MAX : (int64_t(1) << (8 * bytes - 1)) - 1;
}

}  // namespace argreduce
