#include "executor.hpp"

#include <cstring>
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

// Calls fn(data, out_offset, index_offset) for every position of the dims not in `skip`.
template <class Fn>
void for_each_position(const Problem& p, int skip_a, int skip_b, Fn&& fn) {
    std::vector<int> loop;
    for (int d = 0; d < static_cast<int>(p.dims.size()); ++d)
        if (d != skip_a && d != skip_b) loop.push_back(d);
    std::vector<int64_t> at(loop.size(), 0);
    const char* data = p.data;
    int64_t out = p.out_offset, index = p.index_offset;
    for (;;) {
        fn(data, out, index);
        int k = static_cast<int>(loop.size()) - 1;  // odometer: innermost loop dim turns fastest
        for (; k >= 0; --k) {
            const Dim& d = p.dims[loop[k]];
            if (++at[k] < d.size) {
                data += d.in_stride;
                out += d.out_stride;
                index += d.weight;
                break;
            }
            at[k] = 0;
            data -= (d.size - 1) * d.in_stride;
            out -= (d.size - 1) * d.out_stride;
            index -= (d.size - 1) * d.weight;
        }
        if (k < 0) return;
    }
}

template <DType T, Rule R>
void keys_of_elements(const Problem& p, bool swapped, int64_t* keys, int64_t* indices) {
    for_each_position(p, -1, -1, [&](const char* data, int64_t out, int64_t index) {
        char native[8];
        pack(native, data, 1, info(T).itemsize, info(T).itemsize, swapped);
        merge_into(keys, indices, out, scalar_key<T, R>(native), index);
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
        for_each_position(p, inner, -1, [&](const char* data, int64_t out, int64_t index) {
            for (int64_t c0 = 0; c0 < in.size; c0 += chunk) {
                const int64_t n = in.size - c0 < chunk ? in.size - c0 : chunk;
                pack(buf, data + c0 * in.in_stride, n, in.in_stride, isz, keying.swapped);
                const Rows row{buf, n, 1, in.weight, 1, 0, 0, 0};
                k.rows(row, shifted(sink, out, index + c0 * in.weight));
            }
        });
        return;
    }
    const Dim& rd = p.dims[row_dim];
    const int64_t cols = in.size < 1024 ? in.size : 1024;
    const int64_t rows = kPackBytes / (cols * isz) < 1 ? 1 : kPackBytes / (cols * isz);
    for_each_position(p, inner, row_dim, [&](const char* data, int64_t out, int64_t index) {
        for (int64_t c0 = 0; c0 < in.size; c0 += cols) {
            const int64_t nc = in.size - c0 < cols ? in.size - c0 : cols;
            for (int64_t r0 = 0; r0 < rd.size; r0 += rows) {
                const int64_t nr = rd.size - r0 < rows ? rd.size - r0 : rows;
                for (int64_t r = 0; r < nr; ++r)
                    pack(buf + r * nc * isz, data + (r0 + r) * rd.in_stride + c0 * in.in_stride, nc,
                         in.in_stride, isz, keying.swapped);
                const Cols tile{buf, nc, in.out_stride, nr, nc * isz, rd.weight};
                k.cols(tile, shifted(sink, out + c0 * in.out_stride, index + r0 * rd.weight));
            }
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
            return for_each_position(p, inner, inner - 1, [&](const char* data, int64_t out, int64_t index) {
                const Rows rows{data, in.size, in.in_stride / isz, in.weight, outer.size, outer.in_stride,
                                outer.out_stride, outer.weight};
                k.rows(rows, shifted(sink, out, index));
            });
        case LoopKind::ShortRows:
            return for_each_position(p, inner, inner - 1, [&](const char* data, int64_t out, int64_t index) {
                const Rows rows{data, in.size, 1, in.weight, outer.size, outer.in_stride, outer.out_stride, 0};
                k.short_rows(rows, shifted(sink, out, index));
            });
        case LoopKind::AcrossRows: {
            const Dim& rd = p.dims[row_dim];
            return for_each_position(p, inner, row_dim, [&](const char* data, int64_t out, int64_t index) {
                const Cols cols{data, in.size, in.out_stride, rd.size, rd.in_stride, rd.weight};
                k.cols(cols, shifted(sink, out, index));
            });
        }
        case LoopKind::Strided:
            return strided(p, row_dim, keying, k, sink);
    }
}

}  // namespace argreduce
