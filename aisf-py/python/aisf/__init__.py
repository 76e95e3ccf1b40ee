from aisf._native import *
