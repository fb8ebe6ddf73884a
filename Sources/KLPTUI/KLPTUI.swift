// The interactive inspector lives here (state, reducer, renderer, curses driver).
import KLPEngine
