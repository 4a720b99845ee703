"""The seed example through the library: prints 3, [1 0 1] and [1 0]."""

import argreduce as ar

x = [[8, 3, 5], [2, 7, 4]]
print("argmin(x)        =", ar.argmin(x))
print("argmin(x, dim=0) =", ar.argmin(x, dim=0))
print("argmin(x, dim=1) =", ar.argmin(x, dim=1))
