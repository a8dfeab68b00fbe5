# cython: language_level=3
from selectolax.lexbor cimport LexborNode, lxb_dom_node_t, lexbor_str_t

cdef extern from "lexbor/dom/interfaces/element.h":
    ctypedef struct lxb_dom_attr_t:
        lexbor_str_t *value
    ctypedef struct lxb_dom_element_t:
        lxb_dom_attr_t *attr_id
        lxb_dom_attr_t *attr_class
cdef extern from "lexbor/dom/interfaces/character_data.h":
    ctypedef struct lxb_dom_character_data_t:
        lexbor_str_t data

def flat(LexborNode root):
    """Pre-order: tag ids, depths, class strings (or None), text lengths."""
    cdef lxb_dom_node_t *node = root.node
    cdef lxb_dom_node_t *stop = root.node
    cdef int depth = 0
    cdef lxb_dom_element_t *el
    cdef lxb_dom_character_data_t *cd
    tags = []; depths = []; classes = []; texts = []
    while node != NULL:
        tags.append(<size_t>node.local_name)
        depths.append(depth)
        if <int>node.type == 1:
            el = <lxb_dom_element_t *>node
            if el.attr_class != NULL and el.attr_class.value != NULL:
                classes.append((<bytes>el.attr_class.value.data[:el.attr_class.value.length]).decode('utf-8', 'replace'))
            else:
                classes.append(None)
            texts.append(0)
        elif <int>node.type == 3:
            cd = <lxb_dom_character_data_t *>node
            classes.append(None)
            texts.append(cd.data.length)
        else:
            classes.append(None); texts.append(0)
        if node.first_child != NULL:
            node = node.first_child; depth += 1
            continue
        while node != stop and node.next == NULL:
            node = node.parent; depth -= 1
        if node == stop:
            break
        node = node.next
    return tags, depths, classes, texts
