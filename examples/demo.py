"""What argmin and argmax are for, each in a few lines: `make demo` runs this, then cli_demo.py.

Every answer printed here is computed; the comments say what to expect.
"""

import numpy as np

import argreduce as ar


def show(title: str) -> None:
    print(f"\n# {title}")


# The seed example: 3, [1 0 1] and [1 0].
x = [[8, 3, 5], [2, 7, 4]]
print("argmin(x)        =", ar.argmin(x))
print("argmin(x, dim=0) =", ar.argmin(x, dim=0))
print("argmin(x, dim=1) =", ar.argmin(x, dim=1))

show("A batch of class scores (4 images x 5 classes): the prediction and the least likely class")
classes = np.array(["cat", "dog", "fox", "owl", "eel"])
scores = np.array([[2.1, 0.3, 4.0, -1.2, 0.0],
                   [0.5, 3.3, 3.3, 0.1, -2.0],  # a tie: the first of the two wins, as in torch
                   [-0.7, -0.2, 0.4, 2.9, 1.0],
                   [1.5, 1.4, -3.1, 0.2, 0.9]], dtype=np.float32)
print("predicted     :", classes[ar.argmax(scores, dim=1)])  # fox dog owl cat
print("least likely  :", classes[ar.argmin(scores, dim=1)])  # owl eel cat fox
print("surest image  :", int(ar.argmax(scores)) // scores.shape[1])  # the flat index's row: 0

if hasattr(ar, "topk"):
    print("top 3 per image:", classes[ar.topk(scores, 3, dim=1).indices].tolist())

show("A sensor series with gaps (NaN where the sensor was down)")
celsius = np.array([14.2, 13.8, np.nan, np.nan, 12.9, 11.4, 11.9, np.nan, 12.6])
print("argmin(series):", ar.argmin(celsius), " <- the first gap: NaN wins, as in torch and NumPy")
if hasattr(ar, "nanargmin"):
    print("nanargmin     :", ar.nanargmin(celsius), " <- the coldest reading, gaps skipped")
else:
    filled = np.where(np.isnan(celsius), np.inf, celsius)
    print("coldest       :", ar.argmin(filled), " <- gaps filled with +inf")
print("argmax(series):", ar.argmax(celsius), " <- NaN wins for the maximum too")

if hasattr(ar, "nearest"):
    show("The closest data point: which known station is nearest to each new reading")
    stations = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 0.5], [9.0, 1.0]])
    readings = np.array([[0.9, 0.4], [6.0, 5.5], [8.0, 0.0]])
    distances, nearest = ar.nearest(readings, stations)
    print("nearest station:", nearest[:, 0], " squared distance:", distances[:, 0])
