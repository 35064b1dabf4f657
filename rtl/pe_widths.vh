// Widths derived from the PE tile's parameters (rtl/pe_tile.v, docs/pe-array.md), each written
// once, here. A module `includes this file and declares the ones it uses as localparams
// (localparam BITS = `PE_BITS(LO, HI, M, N);), or uses the macro in a port width; no module
// takes a derived width as a parameter, so none can be overridden out of step.
`ifndef PE_WIDTHS_VH
`define PE_WIDTHS_VH

// Position of a weight inside a block of M (the LO = 1 slots store it).
`define PE_P(M) $clog2(M)
// One packed `block` layout block (docs/layouts.md): LO = 1 keeps M sign bits and N
// (position, high value) slots; LO >= 2 keeps M low codes and N high values.
`define PE_BITS(LO, HI, M, N) \
    (((LO) == 1) ? (M) + (N) * ($clog2(M) + (HI)) : (M) * (LO) + (N) * (HI))
// Bytes of one block in DRAM and in a weight beat (blocks start on byte boundaries).
`define PE_BBYTES(LO, HI, M, N) ((`PE_BITS(LO, HI, M, N) + 7) / 8)
// Weight bits per beat: LANES / M blocks, or LANES int8 weights for the uniform array.
`define PE_WBEAT(UNIFORM, LANES, LO, HI, M, N) \
    (((UNIFORM) != 0) ? (LANES) * (HI) : ((LANES) / (M)) * `PE_BBYTES(LO, HI, M, N) * 8)
// A count 0..M of markers in a block.
`define PE_CW(M) $clog2((M) + 1)
// One low lane's product: 9 bits cover +-255 (LO <= 2), else 8 + LO.
`define PE_LW(LO) (((LO) <= 2) ? 9 : 8 + (LO))
// The exact sum of N signed W-bit values.
`define PE_SUMW(W, N) ((W) + $clog2(N))
// One high-precision product: uint8 activation x signed HI-bit weight.
`define PE_HPW(HI) ((HI) + 9)
// Low sum of a lane-group array; high sums of the lane-group and the uniform array.
`define PE_LSW(LO, LANES) `PE_SUMW(`PE_LW(LO), LANES)
`define PE_HSW_LANEGROUP(HI, LANES, G) `PE_SUMW(`PE_HPW(HI), (LANES) / (G))
`define PE_HSW_UNIFORM(HI, LANES) `PE_SUMW(`PE_HPW(HI), LANES)
// Address of one of NB entries (at least one bit).
`define PE_AW(NB) (((NB) > 1) ? $clog2(NB) : 1)

`endif
