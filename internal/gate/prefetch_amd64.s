#include "textflag.h"

// func prefetch(addrs []uintptr)
// PREFETCHT0 brings a line into every cache level; it never faults.
TEXT ·prefetch(SB), NOSPLIT|NOFRAME, $0-24
	MOVQ	addrs_base+0(FP), AX
	MOVQ	addrs_len+8(FP), CX
	TESTQ	CX, CX
	JEQ	done
loop:
	MOVQ	(AX), DX
	PREFETCHT0	(DX)
	ADDQ	$8, AX
	DECQ	CX
	JNE	loop
done:
	RET
