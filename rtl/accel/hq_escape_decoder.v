// Decoder of the `escape` layout (docs/layouts.md, model/accel/escape_decoder.cpp) for the
// lane-group tile: the low plane comes decoded by hq_dense_decoder (markers passed through as
// the tile's marker code); this module fills each block's slots with the next high values, in
// row-major order of the markers, from the value buffer (the layer's high-value section, read
// once per layer by the command unit, `hi` bits per value). It adds no cycle: a beat passes
// in the cycle it is offered.
//   bad: a value 0 or -2^(hi-1), or more markers than the section holds (ERR_WEIGHTS);
//   lim: a block with more markers than the tile's N slots (an RTL limit: ERR_LAYOUT); the
//        block goes to the tile without its markers (the command ends with the error).
`include "pe_widths.vh"
`default_nettype none
module hq_escape_decoder #(
    parameter LANES      = 64,
    parameter M          = 32,
    parameter N          = 1,
    parameter LO         = 2,
    parameter HI         = 8,
    parameter VBUF_BYTES = 8192
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream: first value again
    input  wire [3:0]  hi,                 // the layer's hi bits (4 or 8)
    input  wire [31:0] vbytes,             // bytes of the value section in the buffer
    input  wire        vb_we,              // value buffer write (the command unit)
    input  wire [31:0] vb_addr,            // word index
    input  wire [31:0] vb_data,
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] in_data,
    input  wire        in_last,
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] out_data,
    output wire        out_last,
    output reg         bad,
    output reg         lim
);
    localparam NBLK = LANES / M;
    localparam BBY  = `PE_BBYTES(LO, HI, M, N);
    localparam VW   = VBUF_BYTES / 4;
    localparam VAW  = $clog2(VW);
    localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};

    reg [31:0] vbuf [0:VW-1];
    always @(posedge clk)
        if (vb_we) vbuf[vb_addr[VAW-1:0]] <= vb_data;

    assign in_ready  = out_ready;
    assign out_valid = in_valid;
    assign out_last  = in_last;

    reg [31:0] vidx;                       // next value of the section
    reg [31:0] k, mk, nbits;
    reg [31:0] vw;
    reg [7:0]  vb, v;
    reg        err, over;
    integer b, j, s;
    always @* begin
        out_data = in_data;
        err = 1'b0;
        over = 1'b0;
        k = vidx;
        mk = 32'd0;
        nbits = 32'd0;
        vw = 32'd0;
        vb = 8'd0;
        v = 8'd0;
        for (b = 0; b < NBLK; b = b + 1) begin
            mk = 32'd0;
            for (j = 0; j < M; j = j + 1)
                if (in_data[b*BBY*8 + j*LO +: LO] == MARKER) mk = mk + 32'd1;
            if (mk > N) begin
                over = 1'b1;
                for (j = 0; j < M; j = j + 1)
                    if (in_data[b*BBY*8 + j*LO +: LO] == MARKER)
                        out_data[b*BBY*8 + j*LO +: LO] = {LO{1'b0}};
            end
            for (s = 0; s < N; s = s + 1) begin
                // value k: byte k (hi 8) or nibble k (hi 4) of the section
                vw = (hi == 4'd4) ? vbuf[k[VAW+2:3]] : vbuf[k[VAW+1:2]];
                vb = (hi == 4'd4) ? vw[k[2:1]*8 +: 8] : vw[k[1:0]*8 +: 8];
                v  = (hi == 4'd4) ? (k[0] ? {{4{vb[7]}}, vb[7:4]} : {{4{vb[3]}}, vb[3:0]}) : vb;
                nbits = (k + 32'd1) * {28'd0, hi};
                if (s < mk && mk <= N) begin
                    out_data[b*BBY*8 + M*LO + s*HI +: HI] = v[HI-1:0];
                    if (v == 8'd0 || v == ((hi == 4'd4) ? 8'hF8 : 8'h80) ||
                        nbits > {vbytes[28:0], 3'b000})
                        err = 1'b1;
                    k = k + 32'd1;
                end else begin
                    out_data[b*BBY*8 + M*LO + s*HI +: HI] = {HI{1'b0}};
                end
            end
            if (mk > N) k = k + mk;            // keep the order for the blocks after it
        end
    end

    wire fire = in_valid && out_ready;
    always @(posedge clk) begin
        if (clear) begin
            vidx <= 32'd0;
            bad  <= 1'b0;
            lim  <= 1'b0;
        end else if (fire) begin
            vidx <= k;
            if (err) bad <= 1'b1;
            if (over) lim <= 1'b1;
        end
    end
    wire unused = ^{vbytes[31:29], vb_addr[31:VAW]};
endmodule
`default_nettype wire
