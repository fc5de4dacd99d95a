#ifndef RNX_CPUID_SHIM_H
#define RNX_CPUID_SHIM_H

#include <stdint.h>

/// The raw CPUID and XGETBV words rnx decodes to choose BLAS kernels (all zero on a CPU without CPUID).
typedef struct {
    /// 1 on x86 (where the other fields were read), 0 elsewhere.
    int32_t isX86;
    /// Leaf 0: the largest standard leaf and the vendor string (EBX, EDX, ECX: "GenuineIntel", "AuthenticAMD").
    uint32_t maxLeaf;
    char vendor[13];
    /// Leaf 1: ECX (SSE3 ... AVX, OSXSAVE, FMA) and EDX; EAX for family and model.
    uint32_t leaf1EAX, leaf1ECX, leaf1EDX;
    /// Leaf 7 subleaf 0: EBX (AVX2, AVX-512F/DQ/CD/BW/VL), ECX, EDX (AMX); subleaf 1 EAX (AVX-512 BF16).
    uint32_t leaf7EBX, leaf7ECX, leaf7EDX, leaf7s1EAX;
    /// XCR0, the register state the OS saves (and so enables): 0 when OSXSAVE is clear.
    uint64_t xcr0;
    /// The processor brand string (leaves 0x80000002-4), NUL-terminated; empty when the CPU has none.
    char brand[49];
} rnx_cpuid_words;

/// Reads the words above for the CPU this runs on.
void rnx_cpuid_read(rnx_cpuid_words *words);

#endif
