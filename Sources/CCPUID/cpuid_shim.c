#include "cpuid_shim.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// XGETBV with ECX = 0, written as bytes so no -mxsave is needed; only called when CPUID says OSXSAVE.
static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

void rnx_cpuid_read(rnx_cpuid_words *words) {
    unsigned int a, b, c, d;
    memset(words, 0, sizeof *words);
    words->isX86 = 1;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return;
    words->maxLeaf = a;
    memcpy(words->vendor, &b, 4);
    memcpy(words->vendor + 4, &d, 4);
    memcpy(words->vendor + 8, &c, 4);
    if (a >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        words->leaf1EAX = a;
        words->leaf1ECX = c;
        words->leaf1EDX = d;
        if (c & (1u << 27)) words->xcr0 = read_xcr0();  // OSXSAVE: the OS uses XSAVE, so XGETBV is allowed
    }
    if (words->maxLeaf >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        words->leaf7EBX = b;
        words->leaf7ECX = c;
        words->leaf7EDX = d;
        if (a >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d)) words->leaf7s1EAX = a;
    }
    if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
        unsigned int brand[12];
        for (unsigned int leaf = 0; leaf < 3; leaf++) {
            __get_cpuid(0x80000002 + leaf, &brand[leaf * 4], &brand[leaf * 4 + 1], &brand[leaf * 4 + 2],
                        &brand[leaf * 4 + 3]);
        }
        memcpy(words->brand, brand, 48);
        words->brand[48] = 0;
    }
}
#else
void rnx_cpuid_read(rnx_cpuid_words *words) { memset(words, 0, sizeof *words); }
#endif
