// libdeflate's CRC-32 uses carry-less multiplication (PCLMULQDQ) where the processor has it: about three times
// zlib's crc32 here, which is what lets reading every tensor of a zip checkpoint keep up with the disk cache.
#include <libdeflate.h>
