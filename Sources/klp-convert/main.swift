import KLPEngine
print("klp-convert: not built yet")
