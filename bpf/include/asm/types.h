/* Shim: the generic definitions, so that <linux/bpf.h> compiles for the bpf target without an architecture include directory. */
#include <asm-generic/types.h>
