// The split array's cycles for one incoming beat (pe_array_split.v): its high weights (the
// markers -8 among the LANES 4-bit codes) counted and divided by the high unit's HMACS MACs,
// rounded up: max(1, ceil(h / HMACS)) - 1 is the beat's stall count, as the lane-group
// array's beat_stalls.v gives max_g max(0, h_g - 1).
`include "pe_widths.vh"
`default_nettype none
module split_passes #(
    parameter LANES = 64,
    parameter M     = 32,
    parameter HI    = 8,
    parameter HMACS = 2                          // <= LANES
) (
    input  wire [`PE_WBEAT(0, LANES, 4, HI, M, M)-1:0] wgt,
    output wire [$clog2(LANES + 1)-1:0] passes   // ceil(h / HMACS), 0 when h = 0
);
    localparam NB  = LANES / M;
    localparam BBW = `PE_BBYTES(4, HI, M, M);
    localparam RW  = $clog2(LANES + 1);          // h + HMACS - 1 < 2 * LANES fits
    localparam [RW-1:0] HM = HMACS[RW-1:0];
    reg [RW-1:0] h;
    integer b, j;
    always @* begin
        h = {RW{1'b0}};
        for (b = 0; b < NB; b = b + 1)
            for (j = 0; j < M; j = j + 1)
                if (wgt[b*BBW*8 + j*4 +: 4] == 4'b1000)
                    h = h + 1'b1;
    end
    assign passes = (h + HM - 1'b1) / HM;
endmodule
`default_nettype wire
