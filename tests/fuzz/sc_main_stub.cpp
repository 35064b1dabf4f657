// libsystemc references sc_main from its own main(); the fuzz targets have libFuzzer's main
// and only use SystemC types (sc_time in the platform config), so this is never called.
extern "C" int sc_main(int, char **) {
    return 1;
}
