#include "spatial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "screen.hpp"

namespace argreduce::nearest {
namespace {

// ---- Z order (the points): linear time, for millions of points -------------------------------

struct Coded {
    uint32_t code;
    int64_t id;
};

// The codes sorted in three stable counting passes of 11, 11 and 10 bits (the counts stay in L1).
void radix_sort(std::vector<Coded>& a) {
    std::vector<Coded> b(a.size());
    std::vector<size_t> count;
    for (int shift = 0; shift < 32; shift += 11) {
        const uint32_t mask = (1u << 11) - 1;
        count.assign(mask + 2, 0);
        for (const Coded& c : a) ++count[((c.code >> shift) & mask) + 1];
        for (uint32_t i = 0; i <= mask; ++i) count[i + 1] += count[i];
        for (const Coded& c : a) b[count[(c.code >> shift) & mask]++] = c;
        a.swap(b);
    }
}

// spread[v]: the 8 bits of v moved to bits 0, d, 2d, ... (interleaving d coordinates a byte at a time).
struct Spread {
    uint32_t bits[256];
    explicit Spread(int64_t d) {
        for (uint32_t v = 0; v < 256; ++v) {
            uint32_t s = 0;
            for (int b = 0; b < 8 && b * d < 32; ++b) s |= ((v >> b) & 1u) << (b * d);
            bits[v] = s;
        }
    }
};

// ---- k-d order (the queries): median splits, compact cells of exactly `leaf` rows -------------

// A row's coordinates beside its index: the split reads and moves these contiguous items, not rows
// scattered through the input.
template <class C>
struct Item {
    C c[kPruneMaxD];
    int64_t id;
};

template <class C>
void split(Item<C>* it, int64_t n, int64_t d, int64_t leaf) {
    while (n > leaf) {
        C lo[kPruneMaxD], hi[kPruneMaxD];
        for (int64_t l = 0; l < d; ++l) lo[l] = hi[l] = it[0].c[l];
        for (int64_t i = 1; i < n; ++i)
            for (int64_t l = 0; l < d; ++l) {
                lo[l] = std::min(lo[l], it[i].c[l]);
                hi[l] = std::max(hi[l], it[i].c[l]);
            }
        int64_t widest = 0;
        for (int64_t l = 1; l < d; ++l)
            if (hi[l] - lo[l] > hi[widest] - lo[widest]) widest = l;  // NaN (inf - inf) never wins
        const int64_t left = (n + leaf - 1) / leaf / 2 * leaf;  // whole leaves each side
        std::nth_element(it, it + left, it + n,
                         [widest](const Item<C>& a, const Item<C>& b) { return a.c[widest] < b.c[widest]; });
        split(it, left, d, leaf);
        it += left;
        n -= left;
    }
}

void identity(int64_t n, std::vector<int64_t>& order) {
    order.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
}

// lo then hi of rows [a, b) of `rows` (dp values each, the first d counted) into out[0, 2d).
template <class T>
void box_of(const T* rows, int64_t a, int64_t b, int64_t dp, int64_t d, T* out) {
    for (int64_t l = 0; l < d; ++l) {
        out[l] = std::numeric_limits<T>::infinity();
        out[d + l] = -std::numeric_limits<T>::infinity();
    }
    for (int64_t i = a; i < b; ++i)
        for (int64_t l = 0; l < d; ++l) {
            out[l] = std::min(out[l], rows[i * dp + l]);
            out[d + l] = std::max(out[d + l], rows[i * dp + l]);
        }
}

}  // namespace

template <class In>
void z_order(const In* rows, int64_t n, int64_t d, int64_t stride, std::vector<int64_t>& order) {
    if (d < 1 || d > kPruneMaxD) return identity(n, order);
    // The grid: 2^bits cells a side over the finite values' range (others clamped to its edges).
    const int bits = static_cast<int>(std::min<int64_t>(16, 32 / d));
    const double cells = std::ldexp(1.0, bits);
    double lo[kPruneMaxD], scale[kPruneMaxD];
    for (int64_t l = 0; l < d; ++l) {
        double a = std::numeric_limits<double>::infinity(), b = -a;
        for (int64_t i = 0; i < n; ++i) {
            const double v = static_cast<double>(rows[i * stride + l]);
            if (std::isfinite(v)) {
                a = std::min(a, v);
                b = std::max(b, v);
            }
        }
        lo[l] = a < b ? a : 0;
        scale[l] = a < b ? cells / (b - a) : 0;
        if (!std::isfinite(scale[l])) scale[l] = 0;  // a range too narrow to divide by: one cell
    }
    const Spread spread(d);
    std::vector<Coded> coded(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        uint32_t code = 0;
        for (int64_t l = 0; l < d; ++l) {
            const double c = (static_cast<double>(rows[i * stride + l]) - lo[l]) * scale[l];
            const uint32_t cell = c >= 0 ? static_cast<uint32_t>(std::min(c, cells - 1)) : 0;  // NaN: cell 0
            uint32_t z = spread.bits[cell & 0xFF];
            if (bits > 8) z |= spread.bits[cell >> 8] << (8 * d);  // d <= 3 (d = 4 would shift by 32)
            code |= z << (d - 1 - l);  // the first coordinate's bits highest in each group of d
        }
        coded[static_cast<size_t>(i)] = {code, i};
    }
    radix_sort(coded);
    order.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = coded[static_cast<size_t>(i)].id;
}

template <class In>
void kd_order(const In* rows, int64_t n, int64_t d, int64_t stride, int64_t leaf, std::vector<int64_t>& order) {
    if (d < 1 || d > kPruneMaxD || leaf < 1) return identity(n, order);
    std::vector<Item<In>> items(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        Item<In>& t = items[static_cast<size_t>(i)];
        for (int64_t l = 0; l < d; ++l) {
            const In v = rows[i * stride + l];
            t.c[l] = v == v ? v : std::numeric_limits<In>::infinity();  // a total order for nth_element
        }
        t.id = i;
    }
    split(items.data(), n, d, leaf);
    order.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = items[static_cast<size_t>(i)].id;
}

template <class T>
void prepare_points(const T* ys, int64_t m, int64_t dp, SweepKind sweep, PreparedPoints<T>& out) {
    const ScreenFns<T>& fns = screen_fns<T>();
    const int64_t w = fns.width, panels = (m + w - 1) / w, d = dp - 1;
    out.sweep = sweep;
    out.order.clear();
    if (sweep == SweepKind::Lanes) {  // micro-panels of points, as the queries' are packed
        out.panels.resize(static_cast<size_t>((m + fns.mr - 1) / fns.mr * fns.mr * dp));
        fns.pack_queries(ys, m, dp, out.panels.data());
        return;
    }
    out.panels.resize(static_cast<size_t>(panels * w * dp));
    if (sweep != SweepKind::Pruned || d < 1 || d > kPruneMaxD) {
        out.sweep = SweepKind::Rows;
        fns.pack_points(ys, m, dp, out.panels.data());
        return;
    }
    out.d = d;
    z_order(ys, m, d, dp, out.order);
    std::vector<T> sorted(static_cast<size_t>(m * dp));
    for (int64_t i = 0; i < m; ++i) {
        const T* row = ys + out.order[static_cast<size_t>(i)] * dp;
        std::copy(row, row + dp, sorted.begin() + i * dp);
    }
    fns.pack_points(sorted.data(), m, dp, out.panels.data());
    out.panel_boxes.resize(static_cast<size_t>(panels * 2 * d));
    for (int64_t p = 0; p < panels; ++p)
        box_of(sorted.data(), p * w, std::min(m, (p + 1) * w), dp, d, out.panel_boxes.data() + p * 2 * d);
    const int64_t groups = (panels + kGroupPanels - 1) / kGroupPanels;
    out.group_boxes.resize(static_cast<size_t>(groups * 2 * d));
    for (int64_t g = 0; g < groups; ++g) {  // the union of its panels' boxes
        T* box = out.group_boxes.data() + g * 2 * d;
        const int64_t p_end = std::min(panels, (g + 1) * kGroupPanels);
        std::copy(out.panel_boxes.data() + g * kGroupPanels * 2 * d, out.panel_boxes.data() + (g * kGroupPanels + 1) * 2 * d,
                  box);
        for (int64_t p = g * kGroupPanels + 1; p < p_end; ++p)
            for (int64_t l = 0; l < d; ++l) {
                box[l] = std::min(box[l], out.panel_boxes[static_cast<size_t>(p * 2 * d + l)]);
                box[d + l] = std::max(box[d + l], out.panel_boxes[static_cast<size_t>(p * 2 * d + d + l)]);
            }
    }
}

template void z_order<float>(const float*, int64_t, int64_t, int64_t, std::vector<int64_t>&);
template void z_order<double>(const double*, int64_t, int64_t, int64_t, std::vector<int64_t>&);
template void kd_order<float>(const float*, int64_t, int64_t, int64_t, int64_t, std::vector<int64_t>&);
template void kd_order<double>(const double*, int64_t, int64_t, int64_t, int64_t, std::vector<int64_t>&);
template void prepare_points<float>(const float*, int64_t, int64_t, SweepKind, PreparedPoints<float>&);
template void prepare_points<double>(const double*, int64_t, int64_t, SweepKind, PreparedPoints<double>&);

}  // namespace argreduce::nearest
