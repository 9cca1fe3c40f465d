// Creates 300 files with long names, lists the directory (readdir pages through several fd_readdir calls),
// then removes them.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char path[512];
    snprintf(path, sizeof path, "%s/many", argv[1]);
    if (mkdir(path, 0755)) { perror("mkdir"); return 1; }
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "%s/many/file-with-a-rather-long-name-to-fill-buffers-%04d.txt", argv[1], i);
        FILE *f = fopen(path, "w");
        if (!f) { perror("fopen"); return 1; }
        fprintf(f, "%d", i);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/many", argv[1]);
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0; long sum = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        n++;
        sum += atoi(e->d_name + strlen("file-with-a-rather-long-name-to-fill-buffers-"));
    }
    closedir(d);
    printf("entries %d sum %ld\n", n, sum);
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "%s/many/file-with-a-rather-long-name-to-fill-buffers-%04d.txt", argv[1], i);
        if (unlink(path)) { perror("unlink"); return 1; }
    }
    snprintf(path, sizeof path, "%s/many", argv[1]);
    printf("rmdir %d\n", rmdir(path));
    return 0;
}
