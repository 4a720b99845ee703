#include "shift.hpp"

namespace argreduce::nearest {

template <class In, class Out>
void shift_rows(const In* a, int64_t n, int64_t d, double s, const double* cs, double factor, Out* out,
                int64_t out_stride, double* n2) {
    for (int64_t i = 0; i < n; ++i) {
        const In* row = a + i * d;
        Out* o = out + i * out_stride;
        double acc = 0;
        for (int64_t l = 0; l < d; ++l) {
            const Out v = static_cast<Out>(static_cast<double>(row[l]) * s - cs[l]);
            const double w = static_cast<double>(v);
            acc += w * w;
            o[l] = static_cast<Out>(w * factor);
        }
        n2[i] = acc;
    }
}

template void shift_rows<float, float>(const float*, int64_t, int64_t, double, const double*, double, float*, int64_t,
                                       double*);
template void shift_rows<double, float>(const double*, int64_t, int64_t, double, const double*, double, float*,
                                        int64_t, double*);
template void shift_rows<float, double>(const float*, int64_t, int64_t, double, const double*, double, double*,
                                        int64_t, double*);
template void shift_rows<double, double>(const double*, int64_t, int64_t, double, const double*, double, double*,
                                         int64_t, double*);

}  // namespace argreduce::nearest
