/* exec and posix_spawn: a program may start a child with an environment of its own making (sshd, sudo-like
   tools, daemons that clean their environment). The child still gets this library in LD_PRELOAD (merged with
   what the program asked for) and the NETCON_* values the program was started with, unless the program set
   them itself. Everything is built on the stack: the caller may be a vfork child. */
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "real.h"

#define NETCON_PRELOAD_PREFIX "LD_PRELOAD="

static size_t netcon_count(char *const list[]) {
    size_t count = 0;
    while (list != NULL && list[count] != NULL) count++;
    return count;
}

static bool netcon_has_name(char *const environment[], size_t count, const char *entry) {
    size_t name_length = strcspn(entry, "=") + 1;
    for (size_t i = 0; i < count; i++)
        if (strncmp(environment[i], entry, name_length) == 0) return true;
    return false;
}

/* Whether the LD_PRELOAD list (space- or colon-separated) names path. */
static bool netcon_lists(const char *list, const char *path) {
    size_t length = strlen(path);
    for (const char *item = list; *item != '\0';) {
        size_t item_length = strcspn(item, " :");
        if (item_length == length && strncmp(item, path, length) == 0) return true;
        item += item_length;
        if (*item != '\0') item++;
    }
    return false;
}

/* What the fixed environment needs beyond envp: the slots and characters to reserve on the stack. */
struct netcon_environment_plan {
    size_t count;          /* entries in envp */
    long preload_index;    /* envp's LD_PRELOAD entry, or -1 */
    bool preload_needed;   /* our path must be added to LD_PRELOAD */
    size_t preload_length; /* characters of the new LD_PRELOAD entry, with its NUL */
};

static struct netcon_environment_plan netcon_plan(char *const envp[]) {
    struct netcon_environment_plan plan = {netcon_count(envp), -1, false, 0};
    const char *path = netcon_config.library_path;
    for (size_t i = 0; i < plan.count; i++)
        if (strncmp(envp[i], NETCON_PRELOAD_PREFIX, sizeof NETCON_PRELOAD_PREFIX - 1) == 0) plan.preload_index = (long)i;
    if (path == NULL) return plan;
    const char *current = plan.preload_index >= 0 ? envp[plan.preload_index] + sizeof NETCON_PRELOAD_PREFIX - 1 : "";
    plan.preload_needed = !netcon_lists(current, path);
    if (plan.preload_needed) plan.preload_length = sizeof NETCON_PRELOAD_PREFIX + strlen(path) + 1 + strlen(current);
    return plan;
}

/* Fills fixed (room for plan.count + NETCON_CONFIG_MAX_INHERITED + 2 pointers) and preload (room for
   plan.preload_length characters); returns the environment to use. */
static char *const *netcon_fix(char *const envp[], const struct netcon_environment_plan *plan, char **fixed,
                               char *preload) {
    size_t used = 0;
    for (size_t i = 0; i < plan->count; i++) fixed[used++] = envp[i];
    bool changed = false;
    if (plan->preload_needed) {
        const char *current =
            plan->preload_index >= 0 ? envp[plan->preload_index] + sizeof NETCON_PRELOAD_PREFIX - 1 : "";
        strcpy(preload, NETCON_PRELOAD_PREFIX);
        strcat(preload, netcon_config.library_path);
        if (*current != '\0') {
            strcat(preload, ":");
            strcat(preload, current);
        }
        if (plan->preload_index >= 0) fixed[plan->preload_index] = preload;
        else fixed[used++] = preload;
        changed = true;
    }
    for (size_t i = 0; i < netcon_config.inherited_count; i++) {
        if (netcon_has_name(envp, plan->count, netcon_config.inherited[i])) continue;
        fixed[used++] = (char *)netcon_config.inherited[i];
        changed = true;
    }
    fixed[used] = NULL;
    return changed ? fixed : envp;
}

/* Declares the fixed environment `name` for envp in the calling function's frame. */
#define NETCON_FIXED_ENVIRONMENT(name, envp)                                                                   \
    struct netcon_environment_plan name##_plan = netcon_plan(envp);                                            \
    char *name##_slots[name##_plan.count + NETCON_CONFIG_MAX_INHERITED + 2];                                   \
    char name##_preload[name##_plan.preload_length + 1];                                                       \
    char *const *name = netcon_fix(envp, &name##_plan, name##_slots, name##_preload)

NETCON_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
    netcon_init();
    NETCON_FIXED_ENVIRONMENT(environment, envp);
    return NETCON_REAL(execve)(path, argv, environment);
}

NETCON_EXPORT int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

NETCON_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
    netcon_init();
    NETCON_FIXED_ENVIRONMENT(environment, envp);
    return NETCON_REAL(execvpe)(file, argv, environment);
}

NETCON_EXPORT int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

NETCON_EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
    netcon_init();
    NETCON_FIXED_ENVIRONMENT(environment, envp);
    return NETCON_REAL(fexecve)(fd, argv, environment);
}

NETCON_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                              const posix_spawnattr_t *attributes, char *const argv[], char *const envp[]) {
    netcon_init();
    NETCON_FIXED_ENVIRONMENT(environment, envp != NULL ? envp : environ);
    return NETCON_REAL(posix_spawn)(pid, path, actions, attributes, argv, environment);
}

NETCON_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                               const posix_spawnattr_t *attributes, char *const argv[], char *const envp[]) {
    netcon_init();
    NETCON_FIXED_ENVIRONMENT(environment, envp != NULL ? envp : environ);
    return NETCON_REAL(posix_spawnp)(pid, file, actions, attributes, argv, environment);
}

/* The list forms: count the arguments, then gather them into an argv on the stack (glibc declares the first
   argument non-null). */
#define NETCON_GATHER_ARGUMENTS(argv, first, last_named)                                                      \
    size_t argv##_count = 1;                                                                                   \
    va_list argv##_list;                                                                                       \
    va_start(argv##_list, last_named);                                                                         \
    while (va_arg(argv##_list, char *) != NULL) argv##_count++;                                                \
    va_end(argv##_list);                                                                                       \
    char *argv[argv##_count + 1];                                                                              \
    argv[0] = (char *)(first);                                                                                 \
    va_start(argv##_list, last_named);                                                                         \
    for (size_t i = 1; i <= argv##_count; i++) argv[i] = va_arg(argv##_list, char *);

NETCON_EXPORT int execl(const char *path, const char *argument, ...) {
    NETCON_GATHER_ARGUMENTS(argv, argument, argument)
    va_end(argv_list);
    return execve(path, argv, environ);
}

NETCON_EXPORT int execlp(const char *file, const char *argument, ...) {
    NETCON_GATHER_ARGUMENTS(argv, argument, argument)
    va_end(argv_list);
    return execvpe(file, argv, environ);
}

NETCON_EXPORT int execle(const char *path, const char *argument, ...) {
    NETCON_GATHER_ARGUMENTS(argv, argument, argument)
    char *const *envp = va_arg(argv_list, char *const *); /* after the NULL that ends the arguments */
    va_end(argv_list);
    return execve(path, argv, envp);
}
