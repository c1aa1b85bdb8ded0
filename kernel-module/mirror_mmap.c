// SPDX-License-Identifier: GPL-2.0
/*
 * mirror_mmap.c - mmap() of /dev/mirror: mirrored pages, straight from a
 * node's mirror zones through the allocation API, mapped into the caller.
 *
 * This is how userspace gets pages exactly as the zones hand them out
 * (filled with their memory type's cheap pattern, see mirror_fill.c), to
 * check them byte by byte from outside the module (mirror-drill fill), and
 * how a program can hold a buffer of mirrored memory without MIRROR_FIRST.
 *
 * The pages are allocated whole at mmap() time, mapped as they are
 * touched, and given back when the last mapping of them goes (munmap,
 * exit).  A mapping cannot be split,
 * grown or inherited across fork, so one record covers all of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "mirror_internal.h"
#include "mirror.h"

/* At most this many pages in one mapping (256 MiB). */
#define MIRROR_MAP_MAX_PAGES	65536UL

/* The pages behind one mapping; mremap() may move it (open + close). */
struct mirror_map {
	struct kref ref;
	unsigned long nr;
	struct page *pages[];
};

static void mirror_map_release(struct kref *ref)
{
	struct mirror_map *map = container_of(ref, struct mirror_map, ref);
	unsigned long i;

	/* The page tables are gone: each page has only its zone's count. */
	for (i = 0; i < map->nr; i++)
		mirror_free_pages(map->pages[i], 0);
	kvfree(map);
}

static void mirror_map_open(struct vm_area_struct *vma)
{
	struct mirror_map *map = vma->vm_private_data;

	kref_get(&map->ref);
}

static void mirror_map_close(struct vm_area_struct *vma)
{
	struct mirror_map *map = vma->vm_private_data;

	kref_put(&map->ref, mirror_map_release);
}

static int mirror_map_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/* Each page is mapped when first touched, from the pages allocated. */
static vm_fault_t mirror_map_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mirror_map *map = vma->vm_private_data;
	unsigned long idx = (vmf->address - vma->vm_start) >> PAGE_SHIFT;

	if (idx >= map->nr)
		return VM_FAULT_SIGBUS;
	get_page(map->pages[idx]);
	vmf->page = map->pages[idx];
	return 0;
}

static const struct vm_operations_struct mirror_map_ops = {
	.open = mirror_map_open,
	.close = mirror_map_close,
	.may_split = mirror_map_may_split,
	.fault = mirror_map_fault,
};

/*
 * The file offset names the node: offset N * 4096 takes the pages from
 * node N's mirror zones only, and fails (-ENOMEM) rather than fall back.
 */
int mirror_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	gfp_t gfp = GFP_KERNEL | __GFP_MIRROR | __GFP_MIRROR_STRICT |
		    __GFP_THISNODE | __GFP_NOWARN;
	unsigned long nr = vma_pages(vma), i;
	unsigned long nid = vma->vm_pgoff;
	struct mirror_map *map;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!(vma->vm_flags & VM_SHARED) || !nr || nr > MIRROR_MAP_MAX_PAGES)
		return -EINVAL;
	if (nid >= mirror.nr_nodes || !node_online(nid))
		return -EINVAL;

	map = kvzalloc(struct_size(map, pages, nr), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	kref_init(&map->ref);
	for (i = 0; i < nr; i++) {
		map->pages[i] = mirror_alloc_pages_node(nid, gfp, 0);
		if (!map->pages[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
		map->nr = i + 1;
	}

	/* Nothing can fail from here on: the mapping owns the pages. */
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_private_data = map;
	vma->vm_ops = &mirror_map_ops;
	return 0;

out_free:
	mirror_map_release(&map->ref);
	return ret;
}
