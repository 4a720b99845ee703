#include "plan.hpp"

#include <algorithm>

#include "kernels/table.hpp"

namespace argreduce {

int64_t Problem::numel() const {
    int64_t n = 1;
    for (const Dim& d : dims) n *= d.size;
    return n;
}

namespace {

// Output strides are row-major over the kept dims, index weights row-major over the reduced dims.
std::vector<Dim> logical_dims(const Layout& l) {
    const size_t nd = l.shape.size();
    std::vector<Dim> dims(nd);
    int64_t out = 1, weight = 1;
    for (size_t i = nd; i-- > 0;) {
        dims[i] = {l.shape[i], l.strides[i], 0, 0, l.mask ? l.mask_strides[i] : 0};
        if (l.reduced[i]) {
            dims[i].weight = weight;
            weight *= l.shape[i];
        } else {
            dims[i].out_stride = out;
            out *= l.shape[i];
        }
    }
    return dims;
}

bool can_merge(const Dim& outer, const Dim& inner) {
    return outer.in_stride == inner.size * inner.in_stride &&
           outer.out_stride == inner.size * inner.out_stride && outer.weight == inner.size * inner.weight &&
           outer.mask_stride == inner.size * inner.mask_stride;
}

LoopKind classify(const Problem& p, int itemsize, bool swapped, int* row_dim) {
    int innermost_reduced = -1;
    for (int i = static_cast<int>(p.dims.size()) - 1; i >= 0 && innermost_reduced < 0; --i)
        if (p.dims[i].reduced()) innermost_reduced = i;
    *row_dim = innermost_reduced;
    if (p.mask) return LoopKind::Masked;
    if (innermost_reduced < 0) return LoopKind::Elementwise;
    const int inner_at = static_cast<int>(p.dims.size()) - 1;
    const Dim& inner = p.dims[inner_at];
    if (swapped) return LoopKind::Strided;
    if (inner.in_stride == itemsize && !inner.reduced()) return LoopKind::AcrossRows;
    if (inner.in_stride == itemsize) {
        // The dim just outside the row is the kernel's row loop: many short rows, each its own
        // output, go to the short-rows kernel.
        const Dim* outer = inner_at > 0 ? &p.dims[inner_at - 1] : nullptr;
        const bool short_rows = inner.size * itemsize <= kShortRowBytes && outer && !outer->reduced() &&
                                outer->size >= kShortRowsMin;
        return short_rows ? LoopKind::ShortRows : LoopKind::ContiguousRows;
    }
    // A reduced row with a small power-of-two step (x[::2]) is still read as contiguous memory by
    // the row kernel, which masks the lanes in between (contiguous_rows.hpp): cheaper than packing
    // while the row is at least half dense. The step divides every ISA's lane count: 16-byte
    // vectors hold 16 / itemsize lanes.
    const int64_t step = inner.in_stride / itemsize;
    if (inner.reduced() && inner.in_stride % itemsize == 0 && (step == 2 || step == 4) &&
        step * itemsize <= 16)
        return LoopKind::ContiguousRows;
    return LoopKind::Strided;
}

}  // namespace

Plan make_plan(const Layout& l) {
    Problem p;
    p.data = l.data;
    p.mask = l.mask;
    for (Dim d : logical_dims(l)) {
        // A size-1 dim moves nothing. Along a reduced stride-0 (broadcast) dim every element is
        // equal, so its first index, 0, is the answer and the dim can go (unless presence varies).
        if (d.size == 1 || (d.reduced() && d.in_stride == 0 && d.mask_stride == 0)) continue;
        if (d.in_stride < 0) {  // walk it forwards; index, output and mask walk backwards instead
            p.data += (d.size - 1) * d.in_stride;
            if (p.mask) p.mask += (d.size - 1) * d.mask_stride;
            d.mask_stride = -d.mask_stride;
            p.out_offset += (d.size - 1) * d.out_stride;
            p.index_offset += (d.size - 1) * d.weight;
            d.in_stride = -d.in_stride;
            d.out_stride = -d.out_stride;
            d.weight = -d.weight;
        }
        p.dims.push_back(d);
    }
    // Largest stride outermost; broadcast (stride-0) kept dims outermost of all, so the innermost
    // dim stays the one that walks memory.
    std::stable_sort(p.dims.begin(), p.dims.end(), [](const Dim& a, const Dim& b) {
        if ((a.in_stride == 0) != (b.in_stride == 0)) return a.in_stride == 0;
        return a.in_stride > b.in_stride;
    });
    std::vector<Dim> merged;
    for (const Dim& d : p.dims) {
        if (!merged.empty() && can_merge(merged.back(), d)) {
            Dim& m = merged.back();
            m = {m.size * d.size, d.in_stride, d.out_stride, d.weight, d.mask_stride};
        } else {
            merged.push_back(d);
        }
    }
    p.dims = std::move(merged);
    Plan plan;
    plan.kind = classify(p, info(l.dtype).itemsize, l.swapped, &plan.row_dim);
    plan.problem = std::move(p);
    return plan;
}

Problem slice(const Problem& p, int d, int64_t begin, int64_t end) {
    Problem s = p;
    const Dim& dim = p.dims[d];
    s.data += begin * dim.in_stride;
    s.out_offset += begin * dim.out_stride;
    s.index_offset += begin * dim.weight;
    if (s.mask) s.mask += begin * dim.mask_stride;
    s.dims[d].size = end - begin;
    return s;
}

bool single_pass(const Plan& plan, int split_dim, int64_t pieces, int itemsize) {
    const Problem& p = plan.problem;
    int reduced = 0;
    for (const Dim& d : p.dims) reduced += d.reduced();
    if (reduced != 1 || (p.dims[split_dim].reduced() && pieces > 1)) return false;
    switch (plan.kind) {
        case LoopKind::ContiguousRows:
        case LoopKind::ShortRows:
            return true;
        case LoopKind::AcrossRows:
            return p.dims[plan.row_dim].size <= across_rows_run(itemsize);
        default:
            return false;
    }
}

}  // namespace argreduce
