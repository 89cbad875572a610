/*
 * bcryptprimitives.dll for running Parta's Windows test binaries under Wine 8 (Debian 12),
 * which lacks the DLL: Rust's standard library takes its randomness from its ProcessPrng.
 * This one answers from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * Only scripts/windows.sh uses it, beside the test binaries; it is never shipped: every
 * Windows that Parta supports (10 and 11) has the real DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
