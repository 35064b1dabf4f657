// The sections after a layer's low plane, read once per layer by the command unit: the high
// values of an `escape` layer, the counts and entries of a `coo` layer (one layer at a time,
// so one buffer serves both decoders). Block-RAM shaped: one 32-bit write port (the command
// unit, word index) and one registered read port (the active decoder: data the cycle after
// re).
`default_nettype none
module hq_side_buf #(
    parameter BYTES = 16384
) (
    input  wire        clk,
    input  wire        we,
    input  wire [31:0] waddr,
    input  wire [31:0] wdata,
    input  wire        re,
    input  wire [31:0] raddr,
    output reg  [31:0] rdata
);
    localparam WORDS = BYTES / 4;
    localparam AW = $clog2(WORDS);
    reg [31:0] mem [0:WORDS-1];
    always @(posedge clk) begin
        if (we) mem[waddr[AW-1:0]] <= wdata;
        if (re) rdata <= mem[raddr[AW-1:0]];
    end
    wire unused = ^{waddr[31:AW], raddr[31:AW]};
endmodule
`default_nettype wire
