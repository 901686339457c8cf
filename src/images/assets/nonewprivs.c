/* The nonewprivs test image's helper: installed setuid root, it reports the effective uid it
   runs with. Run by uid 1000 it says 0 unless no_new_privs (allowPrivilegeEscalation: false)
   keeps the kernel from honouring the setuid bit. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("Effective uid: %d\n", (int)geteuid());
  return 0;
}
