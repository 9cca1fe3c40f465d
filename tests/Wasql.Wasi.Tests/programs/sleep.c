// Sleeps for an hour in poll_oneoff (a deadline must wake and stop it).
#include <stdio.h>
#include <unistd.h>
int main(void) {
    puts("sleeping");
    fflush(stdout);
    sleep(3600);
    puts("woke up");
    return 0;
}
