/* Placeholder for 'hqsim run': the engineer who owns this subcommand replaces this file. */
#include "commands.h"

#include <stdio.h>

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "hqsim run: not available in this build\n");
    return 2;
}
